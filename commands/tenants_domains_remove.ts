import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsDomainsRemove extends BaseCommand {
  static commandName = 'tenants:domains:remove'
  static description = 'Detach a domain from a tenant (never its last one)'
  static help = ['  {{ binaryName }} tenants:domains:remove alice alice.example.com']
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @args.string({ description: 'Domain to remove' })
  declare domain: string

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      const { promoted } = await tenancy.domains.remove(this.schema, this.domain)
      this.logger.success(`Removed ${this.domain.toLowerCase()} from "${this.schema}"`)
      if (promoted) this.logger.info(`${promoted} is now the primary domain`)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
