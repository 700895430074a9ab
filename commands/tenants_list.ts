import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsList extends BaseCommand {
  static commandName = 'tenants:list'
  static description = 'List tenants with their domains, owner, billing state and pending migrations'
  static help = ['  {{ binaryName }} tenants:list', '  {{ binaryName }} tenants:list --json']
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print JSON instead of a table' })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const tenants = await tenancy.lifecycle.list()
    const status = new Map(
      (await tenancy.fanOut.status()).map((entry) => [entry.schemaName, entry.pending])
    )
    const rows = tenants.map((tenant) => ({
      name: tenant.name,
      schema: tenant.schemaName,
      domains: tenant.domains.map((domain) => domain.domain),
      owner: tenant.owner?.email ?? null,
      paidUntil: tenant.paidUntil?.toISODate() ?? null,
      onTrial: tenant.onTrial,
      pendingMigrations: status.get(tenant.schemaName) ?? [],
    }))

    if (this.json) {
      this.logger.log(JSON.stringify(rows, null, 2))
      return
    }
    if (rows.length === 0) {
      this.logger.info('No tenants yet. Create one with: node ace tenants:create <name>')
      return
    }
    const table = this.ui
      .table()
      .head(['Name', 'Schema', 'Domains', 'Owner', 'Paid until', 'Trial', 'Pending'])
    for (const row of rows) {
      table.row([
        row.name,
        row.schema,
        row.domains.join(', '),
        row.owner ?? '-',
        row.paidUntil ?? '-',
        row.onTrial ? 'yes' : 'no',
        String(row.pendingMigrations.length),
      ])
    }
    table.render()
  }
}
