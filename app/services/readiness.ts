import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import tenancy from '#tenancy/service'
import { migrationFiles } from '#tenancy/tenant_migrator'

export interface Readiness {
  ready: boolean
  database: 'ok' | 'unreachable'
  publicMigrationsPending: string[]
  tenants: number | null
  tenantsBehind: number | null
  checkedAt: string
}

/*
 * Load balancers and anyone on the internet may ask at any rate: one check per process
 * at a time, and its answer is reused for this long.
 */
const REUSE_MS = 2_000

let last: { at: number; result: Promise<Readiness> } | null = null

/*
 * Whether this process can serve: the database answers and every public migration on
 * disk has run. Tenants behind on their own migrations are counted, not fatal: the
 * fan-out (tenants:migrate) brings them up while the rest are served.
 */
export function readiness(): Promise<Readiness> {
  if (last && performance.now() - last.at < REUSE_MS) return last.result
  last = { at: performance.now(), result: check() }
  return last.result
}

async function check(): Promise<Readiness> {
  const checkedAt = new Date().toISOString()
  try {
    const [pending, counts] = await Promise.all([pendingPublicMigrations(), tenancy.migrator.tenantsBehind(db.connection())])
    return {
      ready: pending.length === 0,
      database: 'ok',
      publicMigrationsPending: pending,
      tenants: counts.tenants,
      tenantsBehind: counts.behind,
      checkedAt,
    }
  } catch {
    return { ready: false, database: 'unreachable', publicMigrationsPending: [], tenants: null, tenantsBehind: null, checkedAt }
  }
}

let publicMigrations: Promise<string[]> | undefined

/*
 * Lucid records a migration as its path from the app root without extension.
 */
function publicMigrationNames(): Promise<string[]> {
  publicMigrations ??= migrationFiles(app.migrationsPath()).then((files) =>
    files.map((file) => `database/migrations/${file.name}`)
  )
  return publicMigrations
}

async function pendingPublicMigrations(): Promise<string[]> {
  const [files, { rows }] = await Promise.all([publicMigrationNames(), db.rawQuery('select name from public.adonis_schema')])
  const applied = new Set(rows.map((row: { name: string }) => row.name))
  return files.filter((name) => !applied.has(name)).sort()
}
