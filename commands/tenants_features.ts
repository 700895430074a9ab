import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type { PlanChange } from '#services/plan_admin'

export default class TenantsFeatures extends BaseCommand {
  static commandName = 'tenants:features'
  static description = "Show a tenant's features, or turn one on or off for that blog alone"
  static help = [
    'Features: feed, sitemap, customDomains. Each blog has its plan\'s (config/plans.ts)',
    'unless turned on or off for it; --reset returns a feature to the plan\'s choice.',
    '  {{ binaryName }} tenants:features alice',
    '  {{ binaryName }} tenants:features alice --enable customDomains --disable feed',
    '  {{ binaryName }} tenants:features alice --reset feed --json',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @flags.array({ description: 'Turn a feature on for this blog (repeatable)' })
  declare enable?: string[]

  @flags.array({ description: 'Turn a feature off for this blog (repeatable)' })
  declare disable?: string[]

  @flags.array({ description: "Return a feature to the plan's choice (repeatable)" })
  declare reset?: string[]

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { changePlanAndReport } = await import('#services/plan_admin')
    try {
      const change = await this.#change()
      const report = await changePlanAndReport(this.schema, change)
      if (this.json) {
        return this.logger.log(JSON.stringify({ schema: report.schema, plan: report.plan, features: report.features }, null, 2))
      }
      if (change) this.logger.success(`Updated the features of "${report.schema}"`)
      this.logger.log(`plan: ${report.plan} (${report.label})`)
      for (const [name, { enabled, own }] of Object.entries(report.features)) {
        this.logger.log(`  ${name}: ${enabled ? 'on' : 'off'}${own ? this.colors.yellow(' (set for this blog)') : ''}`)
      }
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }

  async #change(): Promise<PlanChange | null> {
    const { isFeature, FEATURES } = await import('#services/plan_catalog')
    const lists: [string[] | undefined, boolean | null][] = [
      [this.enable, true],
      [this.disable, false],
      [this.reset, null],
    ]
    if (lists.every(([names]) => !names?.length)) return null
    const features: PlanChange['features'] = {}
    for (const [names, value] of lists) {
      for (const name of names ?? []) {
        if (!isFeature(name)) throw new Error(`Unknown feature "${name}": choose one of ${FEATURES.join(', ')}`)
        if (name in features) throw new Error(`"${name}" is named twice`)
        features[name] = value
      }
    }
    return { features }
  }
}
