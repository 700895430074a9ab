import type { TenancyConfig } from '#config/tenancy'
import { MigrationFanOut } from '#tenancy/migration_fan_out'
import { TenantLifecycle } from '#tenancy/tenant_lifecycle'
import { TenantMigrator } from '#tenancy/tenant_migrator'
import { TenantResolver } from '#tenancy/tenant_resolver'

/*
 * The tenancy layer's services, wired once per process by the tenancy provider.
 */
export class Tenancy {
  readonly resolver: TenantResolver
  readonly migrator: TenantMigrator
  readonly lifecycle: TenantLifecycle
  readonly fanOut: MigrationFanOut

  constructor(
    readonly config: TenancyConfig,
    migrationsDirectory: string
  ) {
    this.resolver = new TenantResolver(config.cache)
    this.migrator = new TenantMigrator(migrationsDirectory)
    this.lifecycle = new TenantLifecycle(this.migrator, config.appDomain, () =>
      this.resolver.invalidate()
    )
    this.fanOut = new MigrationFanOut(this.migrator, config.migrate.lockTimeoutMs)
  }

  isMainHost(host: string | null) {
    return host === this.config.appDomain
  }
}
