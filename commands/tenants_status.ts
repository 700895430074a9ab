import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsStatus extends BaseCommand {
  static commandName = 'tenants:status'
  static description = 'Show applied and pending tenant migrations for each tenant'
  static help = ['  {{ binaryName }} tenants:status', '  {{ binaryName }} tenants:status --pending --json']
  static options: CommandOptions = { startApp: true }

  @flags.array({ description: 'Only these tenant schemas (repeatable)' })
  declare tenant?: string[]

  @flags.boolean({ description: 'Only list tenants with pending migrations' })
  declare pending: boolean

  @flags.boolean({ description: 'Print JSON instead of a table' })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      let statuses = await tenancy.fanOut.status(this.tenant)
      if (this.pending) statuses = statuses.filter((status) => status.pending.length > 0)
      if (this.json) {
        this.logger.log(JSON.stringify(statuses, null, 2))
        return
      }
      const behind = statuses.filter((status) => status.pending.length > 0).length
      const table = this.ui.table().head(['Tenant', 'Applied', 'Pending'])
      for (const status of statuses) {
        table.row([
          status.schemaName,
          String(status.applied.length),
          status.pending.length ? this.colors.yellow(status.pending.join(', ')) : '-',
        ])
      }
      table.render()
      this.logger.info(`${statuses.length} tenant(s), ${behind} with pending migrations`)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
