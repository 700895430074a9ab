import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import pg from 'pg'
import { ensureDatabase, startEmbeddedPostgres, toEnv } from '../../scripts/embedded_database.js'
import { runAce } from '#tests/helpers/ace'
import { startAppServer } from '#tests/helpers/app_server'
import { Browser, type Reply } from '#tests/helpers/browser'

const DATABASE = 'echoblogs_outage'
const HOST = 'outage-blog.localhost'

interface Sample {
  at: number
  status: number
  ms: number
  text: string
}

/*
 * Runs against an embedded PostgreSQL of its own, which the test stops and starts while
 * the real server (a separate process) is under load.
 */
test.group('Database outage', () => {
  test('requests fail fast with 503 while the database is down and recover without a restart', async ({
    assert,
  }) => {
    const root = app.makePath()
    let database = await startEmbeddedPostgres({ root, name: 'outage', preferredPort: 54350 })
    const port = database.settings.port
    await ensureDatabase(database.settings, DATABASE, { fresh: true })
    const env = {
      ...toEnv(database.settings, DATABASE),
      DB_POOL_MAX: '5',
      TENANT_CACHE_TTL_MS: '1000',
    } as Record<string, string>

    const admin = new pg.Client({ ...database.settings, database: DATABASE })
    let server: Awaited<ReturnType<typeof startAppServer>> | undefined
    try {
      assert.equal((await runAce(['migration:run', '--force'], env)).exitCode, 0)
      await admin.connect()
      const { rows } = await admin.query(
        `insert into public.users (username, email, password, created_at) values ('outage', 'outage@example.test', 'x', now()) returning id`
      )
      assert.equal((await runAce(['tenants:create', 'outage_blog', '--owner', 'outage', '--domain', HOST], env)).exitCode, 0)
      await admin.query(
        `insert into outage_blog.posts (title, slug, content, author_id, is_published, published_at, created_at)
         select 'outage post ' || i, 'post-' || i, 'content', $1, true, now(), now() from generate_series(1, 3) i`,
        [rows[0].id]
      )
      await admin.end()

      server = await startAppServer(3391, env)
      const reader = new Browser('127.0.0.1', server.url)
      const samples: Sample[] = []
      let running = true
      const t0 = performance.now()
      const worker = async () => {
        while (running) {
          const at = performance.now() - t0
          let response: Reply | null = null
          try {
            response = await reader.get(HOST, '/')
          } catch {
            response = null
          }
          samples.push({
            at,
            status: response?.status ?? 0,
            ms: performance.now() - t0 - at,
            text: response?.body ?? '',
          })
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
      const workers = Array.from({ length: 8 }, worker)

      await new Promise((resolve) => setTimeout(resolve, 2000))
      const downAt = performance.now() - t0
      await database.stop()

      await new Promise((resolve) => setTimeout(resolve, 4000))
      const live = await reader.get(HOST, '/healthz')
      const readiness = await reader.get(HOST, '/readyz')
      const failedCreate = await runAce(['tenants:create', 'half_written', '--domain', 'half.localhost'], env)
      database = await startEmbeddedPostgres({ root, name: 'outage', preferredPort: port })
      assert.equal(database.settings.port, port, 'the database came back on another port')
      const upAt = performance.now() - t0

      const deadline = performance.now() + 30_000
      while (performance.now() < deadline && !samples.some((s) => s.at > upAt && s.status === 200)) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await new Promise((resolve) => setTimeout(resolve, 1500))
      running = false
      await Promise.all(workers)

      const before = samples.filter((s) => s.at + s.ms < downAt)
      const down = samples.filter((s) => s.at > downAt + 500 && s.at + s.ms < upAt)
      const firstBack = samples.find((s) => s.at > upAt && s.status === 200)
      const recoveredMs = firstBack ? firstBack.at + firstBack.ms - upAt : Infinity
      const tail = samples.filter((s) => firstBack && s.at > firstBack.at + 500)
      const slowest = Math.max(...down.map((s) => s.ms))

      console.log(
        `  ${samples.length} requests: ${before.length} before the outage, ${down.length} during it ` +
          `(statuses ${[...new Set(down.map((s) => s.status))].join(',')}, slowest ${slowest.toFixed(0)} ms), ` +
          `serving again ${recoveredMs.toFixed(0)} ms after the database returned`
      )
      assert.isTrue(before.length > 0 && before.every((s) => s.status === 200))
      assert.isAbove(down.length, 0)
      assert.isTrue(down.every((s) => s.status === 503), 'every request during the outage is a 503')
      assert.isTrue(down.every((s) => s.text.includes('Temporarily unavailable')))
      assert.isBelow(slowest, 6000, 'requests fail fast while the database is down')
      assert.isBelow(recoveredMs, 10_000)
      assert.isTrue(tail.length > 0 && tail.every((s) => s.status === 200))
      assert.isNull(server.process.exitCode, 'the server process survived')
      assert.equal(live.status, 200, 'the process is alive while the database is down')
      assert.equal(readiness.status, 503, 'but not ready')
      assert.include(JSON.parse(readiness.body), { ready: false, database: 'unreachable' })

      assert.equal(failedCreate.exitCode, 1)
      const check = new pg.Client({ ...database.settings, database: DATABASE })
      await check.connect()
      const leftovers = await check.query(
        `select (select count(*) from pg_namespace where nspname = 'half_written')::int as schemas,
                (select count(*) from public.tenants where schema_name = 'half_written')::int as tenants,
                (select count(*) from public.domains where domain = 'half.localhost')::int as domains`
      )
      await check.end()
      assert.deepEqual(leftovers.rows[0], { schemas: 0, tenants: 0, domains: 0 })
    } finally {
      await server?.stop()
      await database.stop()
    }
  }).timeout(180_000)
})
