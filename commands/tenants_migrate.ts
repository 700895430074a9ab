import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsMigrate extends BaseCommand {
  static commandName = 'tenants:migrate'
  static description = 'Apply pending tenant migrations to every tenant schema, in parallel'
  static help = [
    'Each tenant migrates in its own transaction under its own lock: a failing tenant is',
    'rolled back and reported, the others go on, and the exit code is non-zero. Run again',
    'to finish. Two runs at once wait for each other tenant by tenant.',
    '  {{ binaryName }} tenants:migrate',
    '  {{ binaryName }} tenants:migrate --tenant alice --tenant bob',
    '  {{ binaryName }} tenants:migrate --concurrency 16 --dry-run',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.array({ description: 'Only these tenant schemas (repeatable)' })
  declare tenant?: string[]

  @flags.number({ description: 'Tenants migrated at once (default: tenancy config)' })
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
      const reporter = new FanOutReporter(this, targets.length, 'migrated', this.json)
      const results = await tenancy.fanOut.migrate({
        schemas: this.tenant,
        concurrency: this.concurrency ?? tenancy.config.migrate.concurrency,
        dryRun: this.dryRun,
        onResult: reporter.onResult,
      })
      if (this.dryRun && !this.json) {
        for (const result of results.filter((entry) => entry.sql.length)) {
          this.logger.log(this.colors.bold(`-- ${result.schemaName}`))
          for (const sql of result.sql) this.logger.log(`${sql};`)
        }
      }
      reporter.finish(results, this.json)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
