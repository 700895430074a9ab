import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { DateTime } from 'luxon'
import type { BillingChange } from '#services/billing'

export default class TenantsBilling extends BaseCommand {
  static commandName = 'tenants:billing'
  static description = "Show or change a tenant's billing state (paid until, trial)"
  static help = [
    'Without options it shows the state. A blog past its paid-until date stays readable',
    'but its dashboard refuses writes. Turning the trial off moves a blog on the trial plan',
    'to basic; limits and features are set with tenants:plan and tenants:features.',
    '  {{ binaryName }} tenants:billing alice',
    '  {{ binaryName }} tenants:billing alice --extend-days 30 --trial off',
    '  {{ binaryName }} tenants:billing alice --paid-until 2027-01-31',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @flags.string({ description: 'Set paid-until to this date (YYYY-MM-DD)' })
  declare paidUntil?: string

  @flags.number({ description: 'Extend paid-until by N days (from today if already expired)' })
  declare extendDays?: number

  @flags.string({ description: 'Turn the trial on or off' })
  declare trial?: string

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { changeBilling, findTenantForBilling } = await import('#services/billing')
    const { entitlementsOf } = await import('#services/plans')
    const { tenantRefOf } = await import('#tenancy/tenant_ref')
    try {
      const change = this.#change()
      const tenant = change ? await changeBilling(this.schema, change) : await findTenantForBilling(this.schema)
      const state = {
        schema: tenant.schemaName,
        paidUntil: tenant.paidUntil?.toISODate() ?? null,
        onTrial: tenant.onTrial,
        expired: !!tenant.paidUntil && tenant.paidUntil < DateTime.now().startOf('day'),
        plan: tenant.plan,
      }
      if (this.json) {
        this.logger.log(JSON.stringify(state, null, 2))
        return
      }
      if (change) this.logger.success(`Updated billing of "${tenant.schemaName}"`)
      this.logger.log(
        `paid until: ${state.paidUntil ?? 'never set'}${state.expired ? this.colors.red(' (expired)') : ''}\n` +
          `trial: ${state.onTrial ? 'on' : 'off'}\n` +
          `plan: ${state.plan} (${entitlementsOf(tenantRefOf(tenant)).label})`
      )
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }

  #change() {
    if ([this.paidUntil, this.extendDays, this.trial].every((value) => value === undefined)) {
      return null
    }
    const change: BillingChange = {}
    if (this.paidUntil !== undefined) {
      const date = DateTime.fromFormat(this.paidUntil, 'yyyy-MM-dd')
      if (!date.isValid) throw new Error(`--paid-until must be a date like 2027-01-31, not "${this.paidUntil}"`)
      change.paidUntil = date
    }
    if (this.extendDays !== undefined) {
      if (!Number.isInteger(this.extendDays) || this.extendDays < 1 || this.extendDays > 3650) {
        throw new Error('--extend-days must be a whole number of days between 1 and 3650')
      }
      change.extendDays = this.extendDays
    }
    if (this.trial !== undefined) {
      if (!['on', 'off'].includes(this.trial)) throw new Error('--trial must be "on" or "off"')
      change.trial = this.trial === 'on'
    }
    return change
  }
}
