import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsRollback extends BaseCommand {
  static commandName = 'tenants:rollback'
  static description = 'Roll back tenant migrations: the last batch, or every batch after --batch'
  static help = [
    '  {{ binaryName }} tenants:rollback',
    '  {{ binaryName }} tenants:rollback --tenant alice --batch 0   (back to an empty schema)',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.array({ description: 'Only these tenant schemas (repeatable)' })
  declare tenant?: string[]

  @flags.number({ description: 'Roll back every batch after this one (0 = all)' })
  declare batch?: number

  @flags.number({ description: 'Tenants rolled back at once' })
  declare concurrency?: number

  @flags.boolean({ description: 'Print the SQL that would run; change nothing' })
  declare dryRun: boolean

  @flags.boolean({ description: 'Print the results as JSON' })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const { FanOutReporter } = await import('#services/fan_out_reporter')
    try {
      const targets = await tenancy.fanOut.targets(this.tenant)
      const reporter = new FanOutReporter(this, targets.length, 'rolled back', this.json)
      const results = await tenancy.fanOut.rollback({
        schemas: this.tenant,
        toBatch: this.batch,
        concurrency: this.concurrency ?? tenancy.config.migrate.concurrency,
        dryRun: this.dryRun,
        onResult: reporter.onResult,
      })
      reporter.finish(results, this.json)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
