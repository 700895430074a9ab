import { test } from '@japa/runner'
import pg from 'pg'
import { startAppServer } from '#tests/helpers/app_server'
import { createLoadBlogs, logInOwners, runIsolationLoad } from '#tests/helpers/isolation_load'
import { PGBOUNCER, startPgBouncer } from '#tests/helpers/pgbouncer'

const REQUESTS = Number(process.env.ISOLATION_REQUESTS ?? 20_000)

/*
 * The isolation workload against a separate server process whose only way to the database
 * is PgBouncer in transaction-pooling mode: consecutive transactions of one client land on
 * different server connections, so any session state (a session-level SET search_path)
 * would leak between tenants here.
 */
test.group('Isolation behind PgBouncer (transaction pooling)', () => {
  test('100 tenants through PgBouncer: no leak, no misplaced write', async ({ assert }) => {
    const settings = {
      host: process.env.DB_HOST!,
      port: Number(process.env.DB_PORT),
      user: process.env.DB_USER ?? 'postgres',
      password: process.env.DB_PASSWORD ?? '',
      database: process.env.DB_DATABASE!,
    }
    const bouncer = await startPgBouncer(6439, settings)
    let server: Awaited<ReturnType<typeof startAppServer>> | undefined
    try {
      const probe = new pg.Client({ ...settings, host: '127.0.0.1', port: bouncer.port, database: bouncer.database })
      await probe.connect()
      const { rows } = await probe.query('show transaction_isolation')
      await probe.end()
      assert.lengthOf(rows, 1)

      server = await startAppServer(3392, {
        DB_HOST: '127.0.0.1',
        DB_PORT: String(bouncer.port),
        DB_DATABASE: bouncer.database,
        DB_POOL_MAX: '16',
        TENANT_CACHE_LISTEN: 'false',
      })
      const blogs = await logInOwners(server.url, await createLoadBlogs(100))
      const started = performance.now()
      const report = await runIsolationLoad(blogs, REQUESTS, 32)
      const seconds = (performance.now() - started) / 1000
      console.log(
        `  through PgBouncer (pool_size 4, app pool 16): ${report.requests} requests over ${blogs.length} tenants ` +
          `in ${seconds.toFixed(1)} s: ${report.writes} writes, ${report.failingRequests} failing inside their transaction, ` +
          `${report.savepointRetries} savepoint retries; leaks ${report.leaks.length}, misplaced rows ${report.wrongSchemaRows}, ` +
          `lost writes ${report.lostWrites}`
      )
      assert.deepEqual(report.leaks, [])
      assert.deepEqual(report.unexpected, [])
      assert.equal(report.wrongSchemaRows, 0)
      assert.equal(report.lostWrites, 0)
      assert.isAbove(report.savepointRetries, 0)
    } finally {
      await server?.stop()
      await bouncer.stop()
    }
  })
    .skip(!PGBOUNCER, 'pgbouncer is not installed (apt-get install pgbouncer): PgBouncer suite skipped')
    .timeout(900_000)
})
