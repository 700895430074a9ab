import db from '@adonisjs/lucid/services/db'
import { TenantNotFoundError } from '#tenancy/errors'
import { MIGRATIONS_TABLE, type MigrationTarget, type TenantMigrator } from '#tenancy/tenant_migrator'

/*
 * Advisory-lock namespace for per-tenant migration locks; the second key is the tenant id.
 * Lucid's own migration lock uses a single key for all schemas and cannot run per schema.
 */
const MIGRATION_LOCK_NAMESPACE = 727_001

export interface FanOutOptions {
  schemas?: string[]
  concurrency: number
  dryRun?: boolean
  toBatch?: number
  onResult?: (result: TenantRunResult) => void
}

export interface TenantRunResult {
  schemaName: string
  status: 'applied' | 'up-to-date' | 'failed'
  migrations: string[]
  sql: string[]
  error?: string
  durationMs: number
}

export interface TenantMigrationStatus {
  tenantId: number
  schemaName: string
  applied: string[]
  pending: string[]
  /* Applied here but absent from the migration files: code and database disagree. */
  unknown: string[]
}

/*
 * Runs tenant migrations over many schemas at a bounded concurrency. Each tenant is its
 * own transaction holding its own advisory lock, so one failure never stops or corrupts
 * another tenant, two concurrent runs serialise per tenant, and rerunning finishes the job.
 */
export class MigrationFanOut {
  constructor(
    private migrator: TenantMigrator,
    private lockTimeoutMs: number
  ) {}

  async targets(schemas?: string[]): Promise<{ id: number; schemaName: string }[]> {
    const query = db.from('public.tenants').select('id', 'schema_name').orderBy('schema_name')
    if (schemas?.length) query.whereIn('schema_name', schemas)
    const rows = await query
    const found = new Set(rows.map((row) => row.schema_name))
    const missing = (schemas ?? []).filter((schema) => !found.has(schema))
    if (missing.length) throw new TenantNotFoundError(`Unknown tenant(s): ${missing.join(', ')}`)
    return rows.map((row) => ({ id: row.id, schemaName: row.schema_name }))
  }

  /*
   * Only tenants that the status query shows behind get a transaction and a lock; the
   * migrator checks again under the lock, so a concurrent run cannot apply anything twice.
   */
  async migrate(options: FanOutOptions) {
    const statuses = await this.status(options.schemas)
    const behind = new Set(
      statuses.filter((entry) => entry.pending.length).map((entry) => entry.schemaName)
    )
    return this.#each(options, statuses, behind, (trx, tenant) => this.migrator.up(trx, tenant, options.dryRun))
  }

  async rollback(options: FanOutOptions) {
    const statuses = await this.status(options.schemas)
    const withHistory = new Set(
      statuses.filter((entry) => entry.applied.length).map((entry) => entry.schemaName)
    )
    return this.#each(options, statuses, withHistory, (trx, tenant) =>
      this.migrator.down(trx, tenant, options.toBatch, options.dryRun)
    )
  }

  /*
   * Reads every tenant's migration state in two queries, whatever the tenant count.
   */
  async status(schemas?: string[]): Promise<TenantMigrationStatus[]> {
    const tenants = await this.targets(schemas)
    const names = await this.migrator.names()
    if (tenants.length === 0) return []

    const { rows } = await db.rawQuery(
      `select tenant_id, name from ${MIGRATIONS_TABLE} where tenant_id = any(?) order by tenant_id, id`,
      [tenants.map((tenant) => tenant.id)]
    )
    const applied = new Map<number, string[]>()
    for (const row of rows as { tenant_id: number; name: string }[]) {
      const list = applied.get(row.tenant_id) ?? []
      list.push(row.name)
      applied.set(row.tenant_id, list)
    }

    return tenants.map((tenant) => {
      const done = applied.get(tenant.id) ?? []
      const doneSet = new Set(done)
      return {
        tenantId: tenant.id,
        schemaName: tenant.schemaName,
        applied: done,
        pending: names.filter((name) => !doneSet.has(name)),
        unknown: done.filter((name) => !names.includes(name)),
      }
    })
  }

  async #each(
    options: FanOutOptions,
    statuses: TenantMigrationStatus[],
    needsWork: Set<string>,
    work: (trx: any, tenant: MigrationTarget) => Promise<{ migrations: string[]; sql: string[] }>
  ): Promise<TenantRunResult[]> {
    const results: TenantRunResult[] = []
    const report = (result: TenantRunResult) => {
      results.push(result)
      options.onResult?.(result)
    }
    for (const status of statuses.filter((entry) => !needsWork.has(entry.schemaName))) {
      report({ schemaName: status.schemaName, status: 'up-to-date', migrations: [], sql: [], durationMs: 0 })
    }
    const queue = statuses.filter((entry) => needsWork.has(entry.schemaName))
    let next = 0
    const worker = async () => {
      while (next < queue.length) {
        const status = queue[next++]
        report(await this.#one({ id: status.tenantId, schemaName: status.schemaName }, options.dryRun ?? false, work))
      }
    }
    const workers = Math.max(1, Math.min(options.concurrency, queue.length))
    await Promise.all(Array.from({ length: workers }, worker))
    return results.sort((a, b) => a.schemaName.localeCompare(b.schemaName))
  }

  async #one(
    tenant: { id: number; schemaName: string },
    dryRun: boolean,
    work: (trx: any, tenant: MigrationTarget) => Promise<{ migrations: string[]; sql: string[] }>
  ): Promise<TenantRunResult> {
    const started = performance.now()
    const trx = await db.transaction()
    try {
      await trx.rawQuery(
        `select set_config('lock_timeout', ?, true), pg_advisory_xact_lock(?, ?)`,
        [`${this.lockTimeoutMs}ms`, MIGRATION_LOCK_NAMESPACE, tenant.id]
      )
      const outcome = await work(trx, tenant)
      if (dryRun) await trx.rollback()
      else await trx.commit()
      return {
        schemaName: tenant.schemaName,
        status: outcome.migrations.length ? 'applied' : 'up-to-date',
        migrations: outcome.migrations,
        sql: outcome.sql,
        durationMs: performance.now() - started,
      }
    } catch (error) {
      if (!trx.isCompleted) await trx.rollback()
      return {
        schemaName: tenant.schemaName,
        status: 'failed',
        migrations: [],
        sql: [],
        error: error.message,
        durationMs: performance.now() - started,
      }
    }
  }
}
