/*
 * Request logs (issue 12). Every line a request logs carries its request id, its blog and
 * its route; each request that reaches the framework ends with one access line; page-cache
 * hits answered before the framework log nothing; errors go to the error reporter bound
 * in the container. The lines are read from a real server (bin/server.ts in production
 * mode: JSON lines on standard output), the reporter is swapped in the test process.
 */
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { ErrorReporter, type ErrorContext } from '#services/error_reporter'
import { startAppServer, type AppServer } from '#tests/helpers/app_server'
import { Browser, type Reply } from '#tests/helpers/browser'
import { untilCached } from '#tests/helpers/page_cache'
import { rawRequest } from '#tests/helpers/raw_http'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

const PORT = 3381
const QUIET_PORT = 3382
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ACCESS = 'request completed'

type Line = Record<string, any> & { raw: string }

/*
 * The complete JSON lines the server has written so far.
 */
function linesOf(server: AppServer): Line[] {
  const complete = server.output().split('\n').slice(0, -1)
  return complete.filter((raw) => raw.startsWith('{')).map((raw) => ({ ...JSON.parse(raw), raw }))
}

/*
 * Lines are written when a response is done, which can be just after the client has it.
 */
async function linesOfRequest(server: AppServer, requestId: string, count: number) {
  const deadline = Date.now() + 5000
  for (;;) {
    const lines = linesOf(server).filter((line) => line.request_id === requestId)
    if (lines.length >= count || Date.now() > deadline) return lines
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function accessLineOf(server: AppServer, reply: Reply) {
  const id = reply.headers['x-request-id'] as string
  const lines = (await linesOfRequest(server, id, 1)).filter((line) => line.msg === ACCESS)
  if (lines.length !== 1) throw new Error(`expected one access line for ${id}, found ${lines.length}`)
  return lines[0]
}

/*
 * Makes a blog's post page fail inside PostgreSQL (its table is renamed away) until the
 * returned function puts it back: a real 500, with no code written for the test.
 */
async function breakPosts(schemaName: string) {
  await db.rawQuery(`alter table "${schemaName}".posts rename to posts_away`)
  return () => db.rawQuery(`alter table "${schemaName}".posts_away rename to posts`)
}

let server: AppServer

test.group('Request logs', (group) => {
  group.setup(async () => {
    server = await startAppServer(PORT, { LOG_LEVEL: 'info' })
    return () => server.stop()
  })

  test('a rendered page has one access line with its request id, blog, route, status and duration; a cache hit has none', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('logs_page'), { posts: 1 })
    const visitor = new Browser('127.0.0.1', server.url)

    const page = await visitor.get(blog.domain, '/posts/post-1?utm_source=secret-campaign')
    assert.equal(page.status, 200)
    assert.match(String(page.headers['x-request-id']), UUID, 'an id is made when none is sent')
    const line = await accessLineOf(server, page)
    assert.containsSubset(line, {
      level: 30,
      request_id: page.headers['x-request-id'],
      tenant: blog.schemaName,
      route: 'blog.posts.show',
      method: 'GET',
      url: '/posts/post-1',
      status: 200,
    })
    assert.isNumber(line.durationMs)
    assert.isAtLeast(line.durationMs, 0)
    assert.notInclude(line.raw, 'secret-campaign', 'no query string')

    const proxied = await visitor.get(blog.domain, '/', { 'x-request-id': 'lb-7f3a.9_c:1' })
    assert.equal(proxied.headers['x-request-id'], 'lb-7f3a.9_c:1', 'a well-formed id is kept')
    assert.containsSubset(await accessLineOf(server, proxied), { route: 'blog.home', tenant: blog.schemaName })

    // Hits answered before the framework carry no request id, and must log nothing.
    const replies: Reply[] = [page]
    await untilCached(async () => {
      const reply = await visitor.get(blog.domain, '/posts/post-1')
      replies.push(reply)
      return reply
    }, 'the post page')
    for (let i = 0; i < 20; i++) replies.push(await visitor.get(blog.domain, '/posts/post-1'))
    const early = replies.filter((reply) => reply.headers['x-request-id'] === undefined)
    assert.isAtLeast(early.length, 20, 'hits answered before the framework')
    const marker = await visitor.get(blog.domain, '/healthz', { 'x-request-id': `marker-${blog.id}` })
    await accessLineOf(server, marker)
    const logged = linesOf(server).filter((entry) => entry.msg === ACCESS && entry.url === '/posts/post-1' && entry.tenant === blog.schemaName)
    assert.lengthOf(logged, replies.length - early.length, 'one line per request that reached the framework, none for hits')
  })

  test('lines logged during a request carry its request id, blog and route, once each', async ({ assert }) => {
    const a = await createBlog(uniqueName('logs_a'))
    const b = await createBlog(uniqueName('logs_b'))
    const intruder = new Browser('127.0.0.1', server.url)
    assert.equal((await intruder.login(b.domain, a.schemaName, BLOG_PASSWORD)).status, 302)

    const refused = await intruder.get(b.domain, '/dashboard')
    assert.equal(refused.status, 403)
    const id = refused.headers['x-request-id'] as string
    const lines = await linesOfRequest(server, id, 2)
    const warning = lines.find((line) => line.event === 'cross_tenant_refused')
    assert.exists(warning, 'the refusal logged by the middleware')
    assert.containsSubset(warning, { level: 40, tenant: b.schemaName, route: 'blog.dashboard', tenantId: b.id })
    assert.containsSubset(await accessLineOf(server, refused), { tenant: b.schemaName, route: 'blog.dashboard', status: 403 })
    for (const line of lines) {
      for (const field of ['request_id', 'tenant', 'route']) {
        assert.lengthOf(line.raw.match(new RegExp(`"${field}":`, 'g')) ?? [], 1, `${field} once in ${line.raw}`)
      }
    }
  })

  test('a request on a host that is no blog logs no blog and no route', async ({ assert }) => {
    const reply = await new Browser('127.0.0.1', server.url).get('nowhere.example.test', '/wp-login.php')
    assert.equal(reply.status, 404)
    const line = await accessLineOf(server, reply)
    assert.containsSubset(line, { status: 404, url: '/wp-login.php', method: 'GET' })
    assert.notProperty(line, 'tenant')
    assert.notProperty(line, 'route')
  })

  test('a hostile X-Request-Id is replaced by an id of our own, in the logs and in the response', async ({
    assert,
  }) => {
    const visitor = new Browser('127.0.0.1', server.url)
    const huge = 'A'.repeat(10 * 1024)
    const forged = 'x","level":60,"tenant":"forged-tenant'
    for (const sent of [huge, forged, 'two words', `${'b'.repeat(129)}`]) {
      const reply = await visitor.get('nowhere.example.test', '/', { 'x-request-id': sent })
      assert.equal(reply.status, 404)
      assert.match(String(reply.headers['x-request-id']), UUID, 'replaced in the response')
      assert.equal((await accessLineOf(server, reply)).request_id, reply.headers['x-request-id'])
    }
    // A line break cannot even reach the framework: Node refuses the request.
    const raw = rawRequest(new URL(server.url), [
      'GET / HTTP/1.1',
      'Host: nowhere.example.test',
      'X-Request-Id: abc\n{"level":60,"msg":"forged-line"}',
      'Connection: close',
    ])
    await raw.closed
    assert.match(raw.received(), /^HTTP\/1\.1 400/)

    const output = server.output()
    assert.notInclude(output, 'A'.repeat(129))
    assert.notInclude(output, 'b'.repeat(129))
    assert.notInclude(output, 'forged-tenant')
    assert.notInclude(output, 'forged-line')
    assert.notInclude(output, 'two words')
  })

  test('an error in a request is one error line with its stack and the request, from the default reporter', async ({
    assert,
    cleanup,
  }) => {
    const blog = await createBlog(uniqueName('logs_fail'), { posts: 1 })
    cleanup(await breakPosts(blog.schemaName))
    const reply = await new Browser('127.0.0.1', server.url).get(blog.domain, '/posts/post-1?token=secret-token')
    assert.equal(reply.status, 500)
    const id = reply.headers['x-request-id'] as string
    const lines = await linesOfRequest(server, id, 2)
    const errors = lines.filter((line) => line.level === 50)
    assert.lengthOf(errors, 1)
    assert.containsSubset(errors[0], {
      tenant: blog.schemaName,
      route: 'blog.posts.show',
      method: 'GET',
      url: '/posts/post-1',
      userId: null,
    })
    assert.match(errors[0].err.stack, /posts.*does not exist/)
    assert.containsSubset(await accessLineOf(server, reply), { status: 500, level: 30 })
    assert.notInclude(lines.map((line) => line.raw).join('\n'), 'secret-token')
  })

  test('client errors beyond 50 lines a second are counted in one line every 10 s, not logged one by one', async ({
    assert,
  }) => {
    const visitor = new Browser('127.0.0.1', server.url)
    const before = linesOf(server).length
    const replies = await Promise.all(
      Array.from({ length: 150 }, () => visitor.get('flood.example.test', '/flood-probe'))
    )
    assert.isTrue(replies.every((reply) => reply.status === 404))
    const deadline = Date.now() + 15_000
    let summary: Line | undefined
    while (!summary && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      summary = linesOf(server).slice(before).find((line) => line.unlogged)
    }
    // The earlier tests' client errors may have spent part of the first second's budget.
    const logged = linesOf(server).slice(before).filter((line) => line.msg === ACCESS && line.url === '/flood-probe')
    assert.isAtMost(logged.length, 100, 'at most two one-second windows')
    assert.exists(summary, 'a summary line')
    assert.equal(summary!.level, 40)
    assert.equal(summary!.unlogged['404'], 150 - logged.length, 'every request is either logged or counted')
    console.log(`  150 requests for no blog: ${logged.length} access lines, ${150 - logged.length} counted`)
  }).timeout(60_000)

  test('LOG_REQUESTS=false: no access lines, request ids still sent', async ({ assert }) => {
    const quiet = await startAppServer(QUIET_PORT, { LOG_LEVEL: 'info', LOG_REQUESTS: 'false' })
    try {
      const reply = await new Browser('127.0.0.1', quiet.url).get('nowhere.example.test', '/')
      assert.equal(reply.status, 404)
      assert.match(String(reply.headers['x-request-id']), UUID)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.lengthOf(await linesOfRequest(quiet, reply.headers['x-request-id'] as string, 0), 0)
      assert.notInclude(quiet.output(), ACCESS)
    } finally {
      await quiet.stop()
    }
  })
})

test.group('Error reporter', (group) => {
  group.each.teardown(() => app.container.restore(ErrorReporter))

  test('errors of requests reach the reporter bound in the container, with the request; client errors do not', async ({
    assert,
    cleanup,
  }) => {
    const reports: { error: any; context: ErrorContext }[] = []
    app.container.swap(ErrorReporter, () => ({
      report: (error: unknown, context: ErrorContext) => void reports.push({ error, context }),
    }))
    const blog = await createBlog(uniqueName('report'), { posts: 1 })
    const visitor = new Browser()

    assert.equal((await visitor.get(blog.domain, '/posts/no-such-post')).status, 404)
    assert.equal((await visitor.get('nowhere.example.test', '/')).status, 404)
    assert.lengthOf(reports, 0, 'client errors are not reported')

    cleanup(await breakPosts(blog.schemaName))
    const reply = await visitor.get(blog.domain, '/posts/post-1?token=secret-token')
    assert.equal(reply.status, 500)
    assert.lengthOf(reports, 1)
    assert.match(reports[0].error.message, /posts.*does not exist/)
    assert.deepEqual(reports[0].context, {
      requestId: reply.headers['x-request-id'] as string,
      tenant: blog.schemaName,
      route: 'blog.posts.show',
      method: 'GET',
      url: '/posts/post-1',
      userId: null,
    })
  })

  test('a reporter that fails does not change the answer', async ({ assert, cleanup }) => {
    app.container.swap(ErrorReporter, () => ({
      report: () => Promise.reject(new Error('tracker unreachable')),
    }))
    const blog = await createBlog(uniqueName('report_fail'), { posts: 1 })
    cleanup(await breakPosts(blog.schemaName))
    const reply = await new Browser().get(blog.domain, '/posts/post-1')
    assert.equal(reply.status, 500)
    assert.equal((await new Browser().get(blog.domain, '/')).status, 500, 'the next request too')
  })
})
