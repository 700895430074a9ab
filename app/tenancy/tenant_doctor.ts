import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { quoteSchema } from '#tenancy/schema_name'
import type { MigrationFanOut } from '#tenancy/migration_fan_out'
import type { TenantMigrator } from '#tenancy/tenant_migrator'

export type FindingKind =
  | 'missing-schema'
  | 'orphan-schema'
  | 'orphan-domain'
  | 'no-primary-domain'
  | 'pending-migrations'
  | 'unknown-migrations'
  | 'drift'
  | 'setting'

export interface Finding {
  kind: FindingKind
  subject: string
  detail: string
  fixable: boolean
  fixed?: boolean
  advice?: string
}

const REFERENCE_SCHEMA = 'echoblogs_doctor_reference'

/*
 * Checks an installation for what can go wrong between the public rows and the tenant
 * schemas, and repairs what is safe to repair (pending migrations, domain bookkeeping).
 * Catalog reads are a fixed number of queries, whatever the tenant count.
 */
export class TenantDoctor {
  constructor(
    private migrator: TenantMigrator,
    private fanOut: MigrationFanOut,
    private concurrency: number
  ) {}

  async examine(): Promise<Finding[]> {
    const findings: Finding[] = []
    const tenants: { id: number; schema_name: string }[] = (
      await db.rawQuery('select id, schema_name from public.tenants order by schema_name')
    ).rows
    const tenantSchemas = new Set(tenants.map((tenant) => tenant.schema_name))
    const existing = new Set<string>(
      (await db.rawQuery('select nspname from pg_namespace')).rows.map((row: any) => row.nspname)
    )
    const reference = await this.#reference()
    const looksLikeTenant: string[] = (
      await db.rawQuery(
        `select distinct table_schema from information_schema.tables
          where table_name = any(?) and table_schema not in ('public', 'information_schema', ?)`,
        [reference.tables, REFERENCE_SCHEMA]
      )
    ).rows.map((row: any) => row.table_schema)

    for (const tenant of tenants) {
      if (!existing.has(tenant.schema_name)) {
        findings.push({
          kind: 'missing-schema',
          subject: tenant.schema_name,
          detail: `tenant row ${tenant.id} names a schema that does not exist`,
          fixable: false,
          advice: `restore the schema, or remove the row: node ace tenants:delete ${tenant.schema_name} --keep-schema --force`,
        })
      }
    }
    for (const schema of looksLikeTenant.filter((name) => !tenantSchemas.has(name)).sort()) {
      findings.push({
        kind: 'orphan-schema',
        subject: schema,
        detail: 'schema has the tables of a tenant but no tenant row',
        fixable: false,
        advice: `inspect it; drop it with: drop schema "${schema}" cascade`,
      })
    }

    const { rows: domainProblems } = await db.rawQuery(`
      select 'orphan-domain' as kind, d.domain as subject from public.domains d
        left join public.tenants t on t.id = d.tenant_id where t.id is null
      union all
      select 'no-primary-domain', t.schema_name from public.tenants t
       where not exists (select 1 from public.domains d where d.tenant_id = t.id and d.is_primary)`)
    for (const row of domainProblems) {
      findings.push(
        row.kind === 'orphan-domain'
          ? { kind: 'orphan-domain', subject: row.subject, detail: 'domain row without a tenant', fixable: true }
          : {
              kind: 'no-primary-domain',
              subject: row.subject,
              detail: 'tenant has no primary domain',
              fixable: true,
              advice: `add one: node ace tenants:domains:add ${row.subject} <domain> --primary`,
            }
      )
    }

    const present = tenants.map((t) => t.schema_name).filter((name) => existing.has(name))
    const statuses = present.length ? await this.fanOut.status(present) : []
    const current: string[] = []
    for (const status of statuses) {
      if (status.unknown.length) {
        findings.push({
          kind: 'unknown-migrations',
          subject: status.schemaName,
          detail: `applied but missing from the code: ${status.unknown.join(', ')}`,
          fixable: false,
          advice: 'deploy the code that has these migrations, or roll them back with it',
        })
      }
      if (status.pending.length) {
        findings.push({
          kind: 'pending-migrations',
          subject: status.schemaName,
          detail: `pending: ${status.pending.join(', ')}`,
          fixable: true,
        })
      } else if (!status.unknown.length) {
        current.push(status.schemaName)
      }
    }
    findings.push(...(await this.#drift(current, reference.shape)))
    const lockTable = lockTableFinding(await lockTableSize())
    if (lockTable) findings.push(lockTable)
    return findings
  }

  /*
   * Applies what is safe: pending migrations, removing domain rows without a tenant, and
   * promoting a domain to primary where a tenant has domains but none is primary.
   */
  async repair(findings: Finding[]): Promise<Finding[]> {
    const pending = findings.filter((finding) => finding.kind === 'pending-migrations')
    if (pending.length) {
      const results = await this.fanOut.migrate({
        schemas: pending.map((finding) => finding.subject),
        concurrency: this.concurrency,
      })
      for (const result of results) {
        const finding = pending.find((entry) => entry.subject === result.schemaName)!
        finding.fixed = result.status !== 'failed'
        if (!finding.fixed) finding.detail += ` (migration failed: ${result.error})`
      }
    }
    for (const finding of findings) {
      if (finding.kind === 'orphan-domain') {
        await db.rawQuery(
          `delete from public.domains d where d.domain = ?
             and not exists (select 1 from public.tenants t where t.id = d.tenant_id)`,
          [finding.subject]
        )
        finding.fixed = true
      }
      if (finding.kind === 'no-primary-domain') {
        const { rowCount } = await db.rawQuery(
          `update public.domains set is_primary = true where id = (
             select d.id from public.domains d join public.tenants t on t.id = d.tenant_id
              where t.schema_name = ? and d.verified_at is not null order by d.id limit 1)`,
          [finding.subject]
        )
        finding.fixed = (rowCount ?? 0) > 0
      }
    }
    return findings
  }

  /*
   * What a tenant schema should look like: every tenant migration run in a scratch schema
   * (rolled back afterwards), its tables and its shape.
   */
  async #reference(): Promise<{ tables: string[]; shape: Set<string> }> {
    return db.transaction(async (trx) => {
      await trx.rawQuery(`create schema ${quoteSchema(REFERENCE_SCHEMA)}`)
      await this.migrator.up(trx, { id: null, schemaName: REFERENCE_SCHEMA })
      const shape = (await structureOf(trx, [REFERENCE_SCHEMA])).get(REFERENCE_SCHEMA) ?? new Set<string>()
      const { rows } = await trx.rawQuery(
        'select table_name from information_schema.tables where table_schema = ?',
        [REFERENCE_SCHEMA]
      )
      await trx.rollback()
      return { tables: rows.map((row: any) => row.table_name), shape }
    })
  }

  /*
   * Compares each up-to-date tenant schema with the reference.
   */
  async #drift(schemas: string[], reference: Set<string>): Promise<Finding[]> {
    if (schemas.length === 0) return []
    const shapes = await structureOf(db.connection(), schemas)
    const findings: Finding[] = []
    for (const schema of schemas) {
      const actual = shapes.get(schema) ?? new Set<string>()
      const missing = [...reference].filter((item) => !actual.has(item))
      const extra = [...actual].filter((item) => !reference.has(item))
      if (missing.length || extra.length) {
        findings.push({
          kind: 'drift',
          subject: schema,
          detail: [
            ...missing.map((item) => `missing ${item}`),
            ...extra.map((item) => `unexpected ${item}`),
          ].join('; '),
          fixable: false,
          advice: 'compare with the tenant migrations and repair by hand or with a new migration',
        })
      }
    }
    return findings
  }
}

/*
 * A schema's shape as comparable strings: columns with type, nullability and default,
 * indexes, and constraints, with the schema's own name taken out.
 */
async function structureOf(client: QueryClientContract, schemas: string[]) {
  const { rows } = await client.rawQuery(
    `select table_schema as schema, 'column ' || table_name || '.' || column_name || ' ' || data_type
              || coalesce('(' || character_maximum_length || ')', '')
              || case when is_nullable = 'NO' then ' not null' else '' end
              || coalesce(' default ' || column_default, '') as item
       from information_schema.columns where table_schema = any(?)
     union all
     select schemaname, 'index ' || indexname || ' ' || indexdef from pg_indexes where schemaname = any(?)
     union all
     select n.nspname, 'constraint ' || c.relname || '.' || k.conname || ' ' || k.contype::text
       from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = k.connamespace
      where n.nspname = any(?)`,
    [schemas, schemas, schemas]
  )
  const shapes = new Map<string, Set<string>>()
  for (const row of rows) {
    const normalised = String(row.item).replaceAll(`"${row.schema}".`, '').replaceAll(`${row.schema}.`, '')
    if (!shapes.has(row.schema)) shapes.set(row.schema, new Set())
    shapes.get(row.schema)!.add(normalised)
  }
  return shapes
}

export interface LockTableSize {
  relations: number
  locksPerTransaction: number
  connections: number
  preparedTransactions: number
}

/*
 * PostgreSQL settings read against the installation's size: what a whole-database pg_dump
 * (or any transaction that touches every tenant) needs.
 */
async function lockTableSize(): Promise<LockTableSize> {
  const { rows } = await db.rawQuery(
    `select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relkind in ('r', 'p', 'f', 'S', 'v', 'm')
                and n.nspname not in ('pg_catalog', 'information_schema'))::int as relations,
            current_setting('max_locks_per_transaction')::int as "locksPerTransaction",
            current_setting('max_connections')::int as connections,
            current_setting('max_prepared_transactions')::int as "preparedTransactions"`
  )
  return rows[0]
}

/*
 * pg_dump locks every relation it dumps, in one transaction, and the server's lock table
 * holds max_locks_per_transaction × (max_connections + max_prepared_transactions) locks
 * for all sessions together: with PostgreSQL's default of 64 a dump of a few thousand
 * tenant schemas runs out. A quarter is left for the sessions serving the blogs meanwhile.
 */
export function lockTableFinding(size: LockTableSize): Finding | null {
  const sessions = size.connections + size.preparedTransactions
  const capacity = size.locksPerTransaction * sessions
  const needed = Math.ceil(size.relations * 1.25)
  if (needed <= capacity) return null
  const advised = Math.ceil(needed / sessions / 64) * 64
  return {
    kind: 'setting',
    subject: 'max_locks_per_transaction',
    detail:
      `${size.relations} relations, but the lock table holds ${capacity} locks ` +
      `(${size.locksPerTransaction} x (${size.connections} connections + ${size.preparedTransactions} prepared)): ` +
      'a whole-database pg_dump would fail with "out of shared memory"',
    fixable: false,
    advice: `set max_locks_per_transaction = ${advised} in postgresql.conf and restart PostgreSQL`,
  }
}

