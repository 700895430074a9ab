import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsList extends BaseCommand {
  static commandName = 'tenants:list'
  static description = 'List tenants with their domains, owner, plan, billing state and pending migrations'
  static help = [
    '  {{ binaryName }} tenants:list',
    '  {{ binaryName }} tenants:list --expired   (blogs whose paid-until date has passed)',
    '  {{ binaryName }} tenants:list --json',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print JSON instead of a table' })
  declare json: boolean

  @flags.boolean({ description: 'Only blogs whose paid-until date has passed' })
  declare expired: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const { DateTime } = await import('luxon')
    const today = DateTime.now().startOf('day')
    const tenants = (await tenancy.lifecycle.list()).filter(
      (tenant) => !this.expired || (tenant.paidUntil !== null && tenant.paidUntil < today)
    )
    const { usageReport } = await import('#services/usage_report')
    const usage = new Map(
      (await usageReport({ since: today.minus({ days: 30 }), sort: 'requests', countPosts: false })).map((row) => [
        row.schema,
        row,
      ])
    )
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
      plan: tenant.plan,
      pendingMigrations: status.get(tenant.schemaName) ?? [],
      requests30d: usage.get(tenant.schemaName)?.requests ?? 0,
      storageBytes: usage.get(tenant.schemaName)?.storageBytes ?? 0,
    }))

    if (this.json) {
      this.logger.log(JSON.stringify(rows, null, 2))
      return
    }
    if (rows.length === 0) {
      this.logger.info(
        this.expired ? 'No expired blogs' : 'No tenants yet. Create one with: node ace tenants:create <name>'
      )
      return
    }
    const table = this.ui
      .table()
      .head(['Name', 'Schema', 'Domains', 'Owner', 'Plan', 'Paid until', 'Trial', 'Pending', 'Requests 30d', 'Storage'])
    for (const row of rows) {
      table.row([
        row.name,
        row.schema,
        row.domains.join(', '),
        row.owner ?? '-',
        row.plan,
        row.paidUntil ?? '-',
        row.onTrial ? 'yes' : 'no',
        String(row.pendingMigrations.length),
        row.requests30d.toLocaleString('en'),
        `${(row.storageBytes / 1024 / 1024).toFixed(1)} MB`,
      ])
    }
    table.render()
  }
}
