import db from '@adonisjs/lucid/services/db'
import pg from 'pg'
import { TenantNotFoundError } from '#tenancy/errors'
import { quoteSchema } from '#tenancy/schema_name'
import { MIGRATIONS_TABLE, type TenantMigrator } from '#tenancy/tenant_migrator'

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
  missingTable: boolean
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
      statuses.filter((entry) => entry.pending.length || entry.missingTable).map((entry) => entry.schemaName)
    )
    return this.#each(options, statuses, behind, (trx, schemaName) =>
      this.migrator.up(trx, schemaName, options.dryRun)
    )
  }

  async rollback(options: FanOutOptions) {
    const statuses = await this.status(options.schemas)
    const withHistory = new Set(
      statuses.filter((entry) => entry.applied.length).map((entry) => entry.schemaName)
    )
    return this.#each(options, statuses, withHistory, (trx, schemaName) =>
      this.migrator.down(trx, schemaName, options.toBatch, options.dryRun)
    )
  }

  /*
   * Reads every schema's migration state in two queries, whatever the tenant count.
   */
  async status(schemas?: string[]): Promise<TenantMigrationStatus[]> {
    const tenants = await this.targets(schemas)
    const names = await this.migrator.names()
    if (tenants.length === 0) return []

    const { rows: tables } = await db.rawQuery(
      `select table_schema from information_schema.tables
        where table_name = ? and table_schema = any(?)`,
      [MIGRATIONS_TABLE, tenants.map((tenant) => tenant.schemaName)]
    )
    const withTable = new Set<string>(tables.map((row: any) => row.table_schema))
    const applied = new Map<string, string[]>()
    const present = tenants.filter((tenant) => withTable.has(tenant.schemaName))
    if (present.length) {
      const union = present
        .map(
          (tenant) =>
            `select ${pg.escapeLiteral(tenant.schemaName)} as schema_name, name, id
               from ${quoteSchema(tenant.schemaName)}.${MIGRATIONS_TABLE}`
        )
        .join(' union all ')
      const { rows } = await db.rawQuery(`${union} order by schema_name, id`)
      for (const row of rows) {
        const list = applied.get(row.schema_name) ?? []
        list.push(row.name)
        applied.set(row.schema_name, list)
      }
    }

    return tenants.map((tenant) => {
      const done = applied.get(tenant.schemaName) ?? []
      const doneSet = new Set(done)
      return {
        tenantId: tenant.id,
        schemaName: tenant.schemaName,
        applied: done,
        pending: names.filter((name) => !doneSet.has(name)),
        unknown: done.filter((name) => !names.includes(name)),
        missingTable: !withTable.has(tenant.schemaName),
      }
    })
  }

  async #each(
    options: FanOutOptions,
    statuses: TenantMigrationStatus[],
    needsWork: Set<string>,
    work: (trx: any, schemaName: string) => Promise<{ migrations: string[]; sql: string[] }>
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
    work: (trx: any, schemaName: string) => Promise<{ migrations: string[]; sql: string[] }>
  ): Promise<TenantRunResult> {
    const started = performance.now()
    const trx = await db.transaction()
    try {
      await trx.rawQuery(
        `select set_config('lock_timeout', ?, true), pg_advisory_xact_lock(?, ?)`,
        [`${this.lockTimeoutMs}ms`, MIGRATION_LOCK_NAMESPACE, tenant.id]
      )
      const outcome = await work(trx, tenant.schemaName)
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
