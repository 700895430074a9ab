import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsSeed extends BaseCommand {
  static commandName = 'tenants:seed'
  static description = 'Run the tenant seeders (database/tenant_seeders) in each tenant scope'
  static help = ['  {{ binaryName }} tenants:seed', '  {{ binaryName }} tenants:seed --tenant alice']
  static options: CommandOptions = { startApp: true }

  @flags.array({ description: 'Only these tenant schemas (repeatable)' })
  declare tenant?: string[]

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const { runTenantSeeders } = await import('#tenancy/tenant_seeds')
    const { default: Tenant } = await import('#models/tenant')
    const { tenantRefOf } = await import('#tenancy/tenant_ref')
    try {
      const targets = await tenancy.fanOut.targets(this.tenant)
      const directory = this.app.makePath(tenancy.config.seedersPath)
      let failed = 0
      for (const [index, target] of targets.entries()) {
        const progress = this.colors.dim(`[${index + 1}/${targets.length}]`)
        try {
          const tenant = await Tenant.findOrFail(target.id)
          const ran = await runTenantSeeders(directory, tenantRefOf(tenant), this.app.nodeEnvironment)
          this.logger.log(`${progress} ${this.colors.green('seeded')} ${target.schemaName}: ${ran.join(', ') || 'no seeders'}`)
        } catch (error) {
          failed++
          this.logger.log(`${progress} ${this.colors.red('failed')} ${target.schemaName}: ${error.message}`)
        }
      }
      if (failed) {
        this.logger.error(`${failed} of ${targets.length} tenant(s) failed`)
        this.exitCode = 1
      } else {
        this.logger.success(`Seeded ${targets.length} tenant(s)`)
      }
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
