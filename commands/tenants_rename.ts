import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsRename extends BaseCommand {
  static commandName = 'tenants:rename'
  static description = "Rename a tenant's schema; its row follows, its domains stay"
  static help = ['  {{ binaryName }} tenants:rename alice alice_archive']
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Current schema name' })
  declare schema: string

  @args.string({ description: 'New schema name (validated like a new tenant name)' })
  declare newSchema: string

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      await tenancy.lifecycle.rename(this.schema, this.newSchema)
      this.logger.success(`Renamed "${this.schema}" to "${this.newSchema}"; its domains are unchanged`)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
