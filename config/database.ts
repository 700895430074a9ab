import { existsSync, readFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import { defineConfig } from '@adonisjs/lucid'
import type { PostgreConfig } from '@adonisjs/lucid/types/database'

/*
 * One connection, one pool, whatever the number of tenants. Tenant scoping happens per
 * transaction (see app/tenancy/tenant_scope.ts), never through per-tenant connections.
 */
function connectionSettings(): PostgreConfig['connection'] {
  // pg's own option, unknown to Lucid's types: give up on a dead server within seconds.
  // application_name lets operators and tests tell the app's pool apart in pg_stat_activity.
  const driverOptions = { connectionTimeoutMillis: 5_000, application_name: 'echoblogs' } as object
  const url = env.get('DATABASE_URL')
  if (url) return { ...driverOptions, connectionString: url }

  const host = env.get('DB_HOST')
  if (!host) {
    const running = runningDevDatabase()
    if (running) return { ...driverOptions, ...running }
    throw new Error(
      'No database configured: set DATABASE_URL or DB_HOST/DB_PORT/DB_USER/DB_DATABASE, ' +
        'or start the app with `npm run dev`, which runs an embedded PostgreSQL.'
    )
  }
  return {
    ...driverOptions,
    host,
    port: env.get('DB_PORT', 5432),
    user: env.get('DB_USER', 'postgres'),
    password: env.get('DB_PASSWORD', ''),
    database: env.get('DB_DATABASE', 'echoblogs'),
  }
}

/*
 * `npm run dev` leaves the embedded server's address here while it runs, so that Ace
 * commands in another terminal work without any configuration (development only).
 */
function runningDevDatabase() {
  const file = app.makePath('tmp/db/dev.json')
  if (!app.inDev || !existsSync(file)) return null
  return JSON.parse(readFileSync(file, 'utf8'))
}

/*
 * DB_POOL_MAX connections per process, whatever the number of tenants. A server keeps
 * DB_PUBLIC_POOL_MAX of them in Lucid's pool for public queries (hosts, users, sign-ups)
 * and gives the rest to the tenant connection slots (config/tenancy.ts); an Ace command
 * does its tenant work through Lucid and keeps them all there.
 */
const total = env.get('DB_POOL_MAX', 10)
export const poolSizes = {
  total,
  public: app.getEnvironment() === 'console' ? total : Math.min(total - 1, env.get('DB_PUBLIC_POOL_MAX', 2)),
}

const dbConfig = defineConfig({
  connection: 'postgres',
  connections: {
    postgres: {
      client: 'pg',
      connection: connectionSettings(),
      /*
       * A request that cannot get a connection within DB_ACQUIRE_TIMEOUT_MS is answered
       * with a 503 and Retry-After (app/exceptions/handler.ts) rather than left waiting.
       */
      pool: {
        min: 0,
        max: poolSizes.public,
        acquireTimeoutMillis: env.get('DB_ACQUIRE_TIMEOUT_MS', 2_000),
      },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations'],
      },
      seeders: {
        paths: ['database/seeders'],
      },
    },
  },
})

export default dbConfig
