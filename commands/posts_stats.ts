import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PostsStats extends BaseCommand {
  static commandName = 'posts:stats'
  static description = "Count the current tenant's posts (run it through tenants:run)"
  static help = ['  {{ binaryName }} tenants:run posts:stats --all']
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { currentScope } = await import('#tenancy/tenant_scope')
    const { postCounts } = await import('#services/post_stats')
    const scope = currentScope()
    if (!scope) {
      this.logger.error('posts:stats needs a tenant: node ace tenants:run posts:stats --tenant <schema>')
      this.exitCode = 1
      return
    }
    const counts = await postCounts()
    const line = { tenant: scope.tenant.schemaName, ...counts }
    this.logger.log(
      this.json
        ? JSON.stringify(line)
        : `${line.tenant}: ${line.published} published, ${line.drafts} ${line.drafts === 1 ? 'draft' : 'drafts'}`
    )
  }
}
