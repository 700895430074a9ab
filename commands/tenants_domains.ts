import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsDomains extends BaseCommand {
  static commandName = 'tenants:domains'
  static description = "List a tenant's domains"
  static help = ['  {{ binaryName }} tenants:domains alice', '  {{ binaryName }} tenants:domains alice --json']
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      const domains = await tenancy.domains.list(this.schema)
      const rows = domains.map((domain) => ({
        domain: domain.domain,
        primary: domain.isPrimary,
        verified: domain.verifiedAt !== null,
      }))
      if (this.json) {
        this.logger.log(JSON.stringify(rows, null, 2))
        return
      }
      const table = this.ui.table().head(['Domain', 'Primary', 'State'])
      for (const row of rows) {
        table.row([row.domain, row.primary ? 'yes' : '', row.verified ? 'active' : 'pending verification'])
      }
      table.render()
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
