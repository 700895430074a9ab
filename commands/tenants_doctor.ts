import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsDoctor extends BaseCommand {
  static commandName = 'tenants:doctor'
  static description = 'Check tenants, schemas, domains and migrations for problems; --fix repairs the safe ones'
  static help = [
    'Finds tenant rows without schemas, schemas that look like tenants but have no row,',
    'domains without tenants or tenants without a primary domain, tenants behind on',
    'migrations, and schemas whose structure differs from what the migrations produce.',
    'Exits non-zero while any problem remains.',
    '  {{ binaryName }} tenants:doctor',
    '  {{ binaryName }} tenants:doctor --fix --json',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Repair what is safe: migrate pending tenants, fix domain rows' })
  declare fix: boolean

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      let findings = await tenancy.doctor.examine()
      if (this.fix) findings = await tenancy.doctor.repair(findings)
      const remaining = findings.filter((finding) => !finding.fixed)
      if (remaining.length) this.exitCode = 1

      if (this.json) {
        this.logger.log(JSON.stringify({ ok: remaining.length === 0, findings }, null, 2))
        return
      }
      if (findings.length === 0) {
        this.logger.success('No problems found')
        return
      }
      const table = this.ui.table().head(['Problem', 'Subject', 'Detail', 'State'])
      for (const finding of findings) {
        const state = finding.fixed
          ? this.colors.green('fixed')
          : finding.fixable
            ? this.colors.yellow('fixable with --fix')
            : this.colors.red('needs you')
        table.row([finding.kind, finding.subject, finding.detail, state])
      }
      table.render()
      for (const finding of remaining.filter((entry) => entry.advice)) {
        this.logger.info(`${finding.subject}: ${finding.advice}`)
      }
      const summary = `${findings.length} problem(s), ${findings.length - remaining.length} fixed, ${remaining.length} remaining`
      remaining.length ? this.logger.error(summary) : this.logger.success(summary)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
