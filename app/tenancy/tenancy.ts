import db from '@adonisjs/lucid/services/db'
import type { TenancyConfig } from '#config/tenancy'
import { TenantConnections, type ConnectionFactory } from '#tenancy/tenant_connections'
import { TenantReader } from '#tenancy/tenant_reader'
import { MigrationFanOut } from '#tenancy/migration_fan_out'
import { TenantDoctor } from '#tenancy/tenant_doctor'
import { TenantDomains } from '#tenancy/tenant_domains'
import { TenantGate } from '#tenancy/tenant_gate'
import { TenantLifecycle } from '#tenancy/tenant_lifecycle'
import { TenantMigrator } from '#tenancy/tenant_migrator'
import { TenantResolver, type TenancyChange } from '#tenancy/tenant_resolver'
import { TenantTransfer } from '#tenancy/tenant_transfer'

/*
 * Slot connections are made by the knex client behind Lucid's connection, so a tenant
 * scope's transaction (a Lucid transaction on a given connection) works on them.
 */
const knexConnections: ConnectionFactory = {
  acquireRawConnection: () => (db.connection().getWriteClient().client as any).acquireRawConnection(),
  destroyRawConnection: (connection) => (db.connection().getWriteClient().client as any).destroyRawConnection(connection),
}

/*
 * The tenancy layer's services, wired once per process by the tenancy provider.
 */
export class Tenancy {
  readonly resolver: TenantResolver
  readonly migrator: TenantMigrator
  readonly lifecycle: TenantLifecycle
  readonly fanOut: MigrationFanOut
  readonly domains: TenantDomains
  readonly transfer: TenantTransfer
  readonly doctor: TenantDoctor
  readonly gate: TenantGate
  readonly connections: TenantConnections
  readonly reader: TenantReader

  constructor(
    readonly config: TenancyConfig,
    migrationsDirectory: string
  ) {
    const invalidate = (change: TenancyChange) => this.resolver.changed(change)
    this.resolver = new TenantResolver(config.cache)
    this.migrator = new TenantMigrator(migrationsDirectory)
    this.lifecycle = new TenantLifecycle(this.migrator, config.appDomain, invalidate)
    this.fanOut = new MigrationFanOut(this.migrator, config.migrate.lockTimeoutMs)
    this.domains = new TenantDomains(config.appDomain, invalidate, (schema) => this.lifecycle.defaultDomain(schema))
    this.transfer = new TenantTransfer(this.lifecycle)
    this.doctor = new TenantDoctor(this.migrator, this.fanOut, config.migrate.concurrency)
    this.gate = new TenantGate(config.connectionsPerTenant, config.connectionWaitMs)
    this.connections = new TenantConnections(knexConnections, this.gate, config.connections)
    this.reader = new TenantReader(this.connections)
  }

  isMainHost(host: string | null) {
    return host === this.config.appDomain
  }
}
