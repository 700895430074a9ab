import type { BaseCommand } from '@adonisjs/core/ace'
import type { TenantRunResult } from '#tenancy/migration_fan_out'

/*
 * What tenants:migrate and tenants:rollback print: one line per tenant as it finishes
 * (with a running count), then a summary and the failures. Sets a non-zero exit code
 * when any tenant failed.
 */
export class FanOutReporter {
  #done = 0
  #started = performance.now()

  constructor(
    private command: BaseCommand,
    private total: number,
    private verb: string,
    private quiet = false
  ) {}

  onResult = (result: TenantRunResult) => {
    this.#done++
    if (this.quiet) return
    const { colors } = this.command
    const progress = colors.dim(`[${this.#done}/${this.total}]`)
    const ms = colors.dim(`${result.durationMs.toFixed(0)} ms`)
    if (result.status === 'failed') {
      this.command.logger.log(`${progress} ${colors.red('failed')}     ${result.schemaName} ${ms}`)
    } else if (result.status === 'applied') {
      const list = result.migrations.join(', ')
      this.command.logger.log(`${progress} ${colors.green(this.verb)} ${result.schemaName}: ${list} ${ms}`)
    } else {
      this.command.logger.log(`${progress} ${colors.dim('up to date')} ${result.schemaName} ${ms}`)
    }
  }

  finish(results: TenantRunResult[], json: boolean) {
    const failed = results.filter((result) => result.status === 'failed')
    const changed = results.filter((result) => result.status === 'applied')
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(2)
    if (failed.length) this.command.exitCode = 1

    if (json) {
      this.command.logger.log(
        JSON.stringify({ seconds: Number(seconds), total: results.length, results }, null, 2)
      )
      return
    }
    const summary = `${results.length} tenant(s): ${changed.length} ${this.verb}, ${
      results.length - changed.length - failed.length
    } up to date, ${failed.length} failed, in ${seconds} s`
    if (failed.length) {
      this.command.logger.error(summary)
      const table = this.command.ui.table().head(['Tenant', 'Error'])
      for (const result of failed) table.row([result.schemaName, result.error ?? ''])
      table.render()
    } else {
      this.command.logger.success(summary)
    }
  }
}
