import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type { PlanChange } from '#services/plan_admin'

export default class TenantsPlan extends BaseCommand {
  static commandName = 'tenants:plan'
  static description = "Show or change a tenant's plan and its own limits"
  static help = [
    'Plans (config/plans.ts): trial, basic, pro. Limits: posts, postChars, storageMb,',
    'customDomains, requestsPerMinute. A limit of the blog\'s own wins over its plan\'s.',
    '  {{ binaryName }} tenants:plan alice',
    '  {{ binaryName }} tenants:plan alice pro',
    '  {{ binaryName }} tenants:plan alice --limit posts=20000 --limit storageMb=2048',
    '  {{ binaryName }} tenants:plan alice --reset posts      (back to the plan\'s figure)',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @args.string({ description: 'Move the blog to this plan', required: false })
  declare plan?: string

  @flags.array({ description: 'Set a limit of the blog\'s own: name=value (repeatable)' })
  declare limit?: string[]

  @flags.array({ description: 'Return a limit to the plan\'s figure (repeatable)' })
  declare reset?: string[]

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { changePlanAndReport } = await import('#services/plan_admin')
    try {
      const change = await this.#change()
      const report = await changePlanAndReport(this.schema, change)
      if (this.json) return this.logger.log(JSON.stringify(report, null, 2))
      if (change) this.logger.success(`Updated the plan of "${report.schema}"`)
      this.logger.log(`plan: ${report.plan} (${report.label})${report.onTrial ? ', on its free trial' : ''}`)
      for (const [name, { value, own }] of Object.entries(report.limits)) {
        this.logger.log(`  ${name}: ${value.toLocaleString('en')}${own ? this.colors.yellow(' (set for this blog)') : ''}`)
      }
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }

  async #change(): Promise<PlanChange | null> {
    const { isLimit, isPlanName, LIMITS, PLAN_NAMES } = await import('#services/plan_catalog')
    if (this.plan === undefined && !this.limit?.length && !this.reset?.length) return null
    const change: PlanChange = { limits: {} }
    if (this.plan !== undefined) {
      if (!isPlanName(this.plan)) throw new Error(`Unknown plan "${this.plan}": choose one of ${PLAN_NAMES.join(', ')}`)
      change.plan = this.plan
    }
    const unknown = (name: string) => new Error(`Unknown limit "${name}": choose one of ${LIMITS.join(', ')}`)
    for (const entry of this.limit ?? []) {
      const [name, raw] = entry.split('=', 2)
      if (!isLimit(name)) throw unknown(name)
      const value = Number(raw)
      if (raw === undefined || !/^\d+$/.test(raw) || value > 1_000_000_000) {
        throw new Error(`--limit ${name} needs a whole number from 0 to 1000000000, as in ${name}=100`)
      }
      change.limits![name] = value
    }
    for (const name of this.reset ?? []) {
      if (!isLimit(name)) throw unknown(name)
      change.limits![name] = null
    }
    return change
  }
}
