import { readdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import db from '@adonisjs/lucid/services/db'
import type { BaseSchema } from '@adonisjs/lucid/schema'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { TenantMigrationError } from '#tenancy/errors'
import { quoteSchema } from '#tenancy/schema_name'
import { applySchema } from '#tenancy/tenant_scope'

/*
 * Which tenant migrations each tenant has applied: one public table for every tenant
 * (database/migrations/0009), so a tenant schema holds only its own tables.
 */
export const MIGRATIONS_TABLE = 'public.tenant_migrations'

type SchemaClass = new (db: TransactionClientContract, file: string, dryRun?: boolean) => BaseSchema
type DeferredStep = (client: TransactionClientContract) => Promise<unknown>
type InstallStep = string | DeferredStep

export interface MigrationFile {
  name: string
  path: string
}

/*
 * Whose migrations: a tenant's, or (id null) a scratch schema nobody keeps books for.
 */
export interface MigrationTarget {
  id: number | null
  schemaName: string
}

export interface MigrationOutcome {
  direction: 'up' | 'down'
  migrations: string[]
  sql: string[]
}

/*
 * The migration files of a directory (sources in development, compiled in a build), in
 * the order they run. Shared with the public migrations' readiness check.
 */
export async function migrationFiles(directory: string): Promise<MigrationFile[]> {
  return (await readdir(directory))
    .filter((entry) => /\.(ts|js)$/.test(entry) && !entry.endsWith('.d.ts'))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((entry) => ({ name: basename(entry, extname(entry)), path: join(directory, entry) }))
}

/*
 * Tenant migrations are ordinary Lucid schema files in their own folder. What each tenant
 * has applied is kept in one public table; applying them to one schema happens inside the
 * caller's transaction, so a tenant is migrated completely or not at all.
 */
export class TenantMigrator {
  #files?: Promise<MigrationFile[]>
  #classes = new Map<string, Promise<SchemaClass>>()
  #installScript?: Promise<[string, ...InstallStep[]] | null>

  constructor(readonly directory: string) {}

  files(): Promise<MigrationFile[]> {
    this.#files ??= migrationFiles(this.directory)
    return this.#files
  }

  async names(): Promise<string[]> {
    return (await this.files()).map((file) => file.name)
  }

  /*
   * How many tenants lack at least one of the migrations on disk: one query over the
   * public books, whatever the number of tenants.
   */
  async tenantsBehind(client: QueryClientContract): Promise<{ tenants: number; behind: number }> {
    const names = await this.names()
    const { rows } = await client.rawQuery(
      `select count(*)::int as tenants,
              count(*) filter (where coalesce(m.applied, 0) < ?)::int as behind
         from public.tenants t
         left join (select tenant_id, count(*)::int as applied from ${MIGRATIONS_TABLE}
                     where name = any(?) group by tenant_id) m on m.tenant_id = t.id`,
      [names.length, names]
    )
    return rows[0]
  }

  /*
   * The migrations a tenant has applied, with their batches, in the order applied.
   */
  async applied(trx: TransactionClientContract, target: MigrationTarget): Promise<Map<string, number>> {
    if (target.id === null) return new Map()
    const { rows } = await trx.rawQuery(
      `select name, batch from ${MIGRATIONS_TABLE} where tenant_id = ? order by id`,
      [target.id]
    )
    return new Map(rows.map((row: { name: string; batch: number }) => [row.name, row.batch]))
  }

  /*
   * Creates a new tenant schema with every migration applied, in one round trip: the
   * migrations' SQL is recorded once (a dry run) and replayed for each new tenant. Work a
   * migration defers to code (`this.defer`) runs in its place in the sequence, on the new
   * tenant's transaction. If the replay fails, the migrations run one by one instead,
   * which also names the one that failed.
   */
  async install(trx: TransactionClientContract, target: MigrationTarget) {
    const script = await (this.#installScript ??= this.#recordInstallScript())
    const quoted = quoteSchema(target.schemaName)
    if (script !== null) {
      const [first, ...rest] = script
      try {
        await trx.rawQuery(
          `savepoint tenant_install;
           create schema ${quoted};
           select set_config('search_path', ${pg.escapeLiteral(quoted)}, true);
           ${first}`
        )
        for (const step of rest) {
          if (typeof step === 'string') await trx.rawQuery(step)
          else await step(trx)
        }
        await this.#record(trx, target, await this.names(), 1)
        await trx.rawQuery('release savepoint tenant_install')
        return
      } catch {
        await trx.rawQuery('rollback to savepoint tenant_install')
      }
    }
    await trx.rawQuery(`create schema ${quoted}`)
    await this.up(trx, target)
  }

  /*
   * The install sequence: runs of SQL joined into one statement each, and the deferred
   * functions between them. Null when the SQL cannot be replayed as text.
   */
  async #recordInstallScript(): Promise<[string, ...InstallStep[]] | null> {
    const files = await this.files()
    const steps: InstallStep[] = []
    let sql: string[] = []
    for (const file of files) {
      const Schema = await this.#load(file)
      const schema = new Schema(db.connection() as unknown as TransactionClientContract, file.name, true)
      await schema.execUp()
      for (const call of (schema as any).trackedCalls as unknown[]) {
        if (typeof call === 'function') {
          steps.push(sql.join(';\n') || 'select 1')
          sql = []
          steps.push(call as DeferredStep)
        } else {
          const query = (call as { toQuery(): string }).toQuery()
          if (query.includes('?')) return null
          sql.push(query)
        }
      }
    }
    steps.push(sql.join(';\n') || 'select 1')
    return steps as [string, ...InstallStep[]]
  }

  async up(trx: TransactionClientContract, target: MigrationTarget, dryRun = false) {
    await applySchema(trx, target.schemaName)
    const applied = await this.applied(trx, target)
    const pending = (await this.files()).filter((file) => !applied.has(file.name))
    const batch = Math.max(0, ...applied.values()) + 1
    return this.#run(trx, target, 'up', pending, batch, dryRun)
  }

  /*
   * Rolls back every batch above `toBatch` (Lucid's meaning of --batch), or the last
   * batch when none is given.
   */
  async down(trx: TransactionClientContract, target: MigrationTarget, toBatch?: number, dryRun = false) {
    await applySchema(trx, target.schemaName)
    const applied = await this.applied(trx, target)
    const last = Math.max(0, ...applied.values())
    const floor = toBatch ?? last - 1
    const byName = new Map((await this.files()).map((file) => [file.name, file]))
    const targets = [...applied.entries()]
      .filter(([, batch]) => batch > floor)
      .map(([name]) => {
        const file = byName.get(name)
        if (!file) {
          throw new TenantMigrationError(`Cannot roll back "${name}": its file is missing`)
        }
        return file
      })
      .reverse()
    return this.#run(trx, target, 'down', targets, 0, dryRun)
  }

  async #run(
    trx: TransactionClientContract,
    target: MigrationTarget,
    direction: 'up' | 'down',
    files: MigrationFile[],
    batch: number,
    dryRun: boolean
  ): Promise<MigrationOutcome> {
    const outcome: MigrationOutcome = { direction, migrations: [], sql: [] }
    for (const file of files) {
      const Schema = await this.#load(file)
      const schema = new Schema(trx, file.name, dryRun)
      try {
        const result = direction === 'up' ? await schema.execUp() : await schema.execDown()
        if (Array.isArray(result)) outcome.sql.push(...result)
      } catch (error) {
        throw new TenantMigrationError(`Migration "${file.name}" failed: ${error.message}`, {
          cause: error,
        })
      }
      if (!dryRun && target.id !== null) {
        if (direction === 'up') await this.#record(trx, target, [file.name], batch)
        else {
          await trx.rawQuery(`delete from ${MIGRATIONS_TABLE} where tenant_id = ? and name = ?`, [
            target.id,
            file.name,
          ])
        }
      }
      outcome.migrations.push(file.name)
    }
    return outcome
  }

  async #record(trx: TransactionClientContract, target: MigrationTarget, names: string[], batch: number) {
    if (target.id === null || names.length === 0) return
    await trx.rawQuery(
      `insert into ${MIGRATIONS_TABLE} (tenant_id, name, batch)
       select ?, name, ? from unnest(?::text[]) with ordinality as m(name, position) order by position`,
      [target.id, batch, names]
    )
  }

  #load(file: MigrationFile): Promise<SchemaClass> {
    let loaded = this.#classes.get(file.path)
    if (!loaded) {
      loaded = import(pathToFileURL(file.path).href).then((module) => {
        if (!module.default) {
          throw new TenantMigrationError(`Tenant migration "${file.name}" has no default export`)
        }
        return module.default as SchemaClass
      })
      this.#classes.set(file.path, loaded)
    }
    return loaded
  }
}
