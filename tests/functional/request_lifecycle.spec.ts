import { gzipSync } from 'node:zlib'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import tenancy from '#tenancy/service'
import { TenantScope } from '#tenancy/tenant_scope'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'
import { rawRequest, statusOf } from '#tests/helpers/raw_http'

const base = () => new URL(`http://${process.env.HOST}:${process.env.PORT}`)
const requestTimeoutMs = Number(process.env.HTTP_REQUEST_TIMEOUT_MS)

async function idleInTransaction() {
  const { rows } = await db.rawQuery(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'echoblogs' and state like 'idle in transaction%'`
  )
  return rows[0].n as number
}

test.group('Request lifecycle: what a request may hold, and for how long', () => {
  test('40 slow request bodies hold no database connection and are cut off at the request timeout', async ({
    assert,
  }) => {
    const attacked = await createBlog(uniqueName('slow_a'))
    const victim = await createBlog(uniqueName('slow_v'), { posts: 1 })
    const owner = new Browser()
    assert.equal((await owner.login(victim.domain, victim.schemaName, BLOG_PASSWORD)).status, 302)

    const sockets = Array.from({ length: 40 }, () =>
      rawRequest(
        base(),
        [
          'POST /login HTTP/1.1',
          `Host: ${attacked.domain}`,
          'Content-Type: application/x-www-form-urlencoded',
          'Content-Length: 1000',
        ],
        { body: 'uid=' }
      )
    )
    await new Promise((resolve) => setTimeout(resolve, 500))

    const held = await idleInTransaction()
    const slotsHeld = tenancy.gate.inUse(attacked.id)
    const started = performance.now()
    const dashboard = await owner.get(victim.domain, '/dashboard')
    const victimMs = performance.now() - started

    const closedAfter = await Promise.all(sockets.map((socket) => socket.closed))
    const statuses = new Set(sockets.map((socket) => statusOf(socket.received())))
    console.log(
      `  40 slow bodies: ${held} connections idle in transaction, the other blog's dashboard answered ` +
        `${dashboard.status} in ${victimMs.toFixed(0)} ms, sockets closed after ` +
        `${Math.min(...closedAfter).toFixed(0)}-${Math.max(...closedAfter).toFixed(0)} ms with ${[...statuses]}`
    )
    assert.equal(held, 0, 'no transaction is open while a body is still arriving')
    assert.equal(slotsHeld, 0, 'no tenant connection slot is leased while a body is still arriving')
    assert.equal(dashboard.status, 200)
    assert.isBelow(victimMs, 1000)
    assert.deepEqual([...statuses], [408])
    assert.isBelow(Math.max(...closedAfter), requestTimeoutMs + 2500, 'cut off at the request timeout')
  }).timeout(30_000)

  test('a compressed request body, valid or not, is a 400 that says why, and nothing decompresses it', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('enc'))
    const garbage = Buffer.from('this is not compressed at all, whatever the header says')
    const bodies: [string, Buffer][] = [
      ['gzip', garbage],
      ['deflate', garbage],
      ['br', garbage],
      ['gzip', gzipSync('uid=someone&password=wrong')],
      ['x-unknown', garbage],
    ]
    for (const [encoding, body] of bodies) {
      const exchange = rawRequest(
        base(),
        [
          'POST /login HTTP/1.1',
          `Host: ${blog.domain}`,
          'Content-Type: application/x-www-form-urlencoded',
          `Content-Encoding: ${encoding}`,
          `Content-Length: ${body.length}`,
          'Connection: close',
        ],
        { body }
      )
      await exchange.closed
      assert.equal(statusOf(exchange.received()), 400, encoding)
      assert.include(exchange.received(), 'compressed request bodies are not accepted', encoding)
    }
  })

  test('with every tenant connection taken, a request gets a 503 and Retry-After within the acquire timeout', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('pool'), { posts: 1 })
    const reader = new Browser()
    await reader.get(blog.domain, '/')
    const max = tenancy.connections.size
    const taken = await Promise.all(Array.from({ length: max }, (_, i) => tenancy.connections.acquire(-1 - i)))
    try {
      const started = performance.now()
      const page = await reader.get(blog.domain, '/posts/post-1', { cookie: 'echoblogs-session=x' })
      const ms = performance.now() - started
      console.log(`  all ${max} connection slots taken: ${page.status} after ${ms.toFixed(0)} ms, Retry-After ${page.headers['retry-after']}`)
      assert.equal(page.status, 503)
      assert.isAbove(Number(page.headers['retry-after']), 0)
      assert.include(page.body, 'very busy')
      assert.isBelow(ms, 4000)
    } finally {
      for (const lease of taken) lease.release()
    }
    assert.equal((await reader.get(blog.domain, '/posts/post-1', { cookie: 'echoblogs-session=x' })).status, 200)
  })

  test("one blog's requests hold at most its share of the pool; other blogs are still served", async ({
    assert,
  }) => {
    const busy = await createBlog(uniqueName('gate_busy'), { posts: 1 })
    const other = await createBlog(uniqueName('gate_other'), { posts: 1 })
    const share = tenancy.gate.perTenant
    for (let i = 0; i < share; i++) await tenancy.gate.enter(busy.id)
    try {
      const reader = new Browser()
      const session = { cookie: 'echoblogs-session=x' }
      const refused = await reader.get(busy.domain, '/', session)
      const served = await reader.get(other.domain, '/', session)
      assert.equal(refused.status, 503)
      assert.isAbove(Number(refused.headers['retry-after']), 0)
      assert.equal(served.status, 200)
    } finally {
      for (let i = 0; i < share; i++) tenancy.gate.leave(busy.id)
    }
  })

  test('a tenant scope sets its time limits locally: they end with its transaction', async ({ assert }) => {
    const blog = await createBlog(uniqueName('limits'))
    const scope = await TenantScope.open(blog, {
      limits: { statementTimeoutMs: 1234, idleInTransactionTimeoutMs: 4321 },
      connections: tenancy.connections,
    })
    const { rows } = await scope.client.rawQuery(
      `select current_setting('statement_timeout') as statement,
              current_setting('idle_in_transaction_session_timeout') as idle`
    )
    await scope.end(true)
    assert.deepEqual(rows[0], { statement: '1234ms', idle: '4321ms' })

    const trx = await db.transaction()
    const after = await trx.rawQuery(
      `select current_setting('statement_timeout') as statement,
              current_setting('idle_in_transaction_session_timeout') as idle`
    )
    await trx.rollback()
    assert.notEqual(after.rows[0].statement, '1234ms')
    assert.notEqual(after.rows[0].idle, '4321ms')
  })
})
