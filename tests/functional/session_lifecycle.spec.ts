/*
 * Sessions end on the server: after an idle time and after an absolute time (kept inside
 * the session, whatever the cookie's Max-Age); logging out voids pending hand-off links;
 * a rejected form comes back in the same response, never through the cookie; Secure
 * cookies and HSTS follow the request's protocol.
 */
import { test } from '@japa/runner'
import { startAppServer, type AppServer } from '#tests/helpers/app_server'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD, PASSWORD, Visitor, signUpAndLand, uniqueUsername } from '#tests/helpers/visitor'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test.group('Session expiry on the server', (group) => {
  let server: AppServer
  group.setup(async () => {
    server = await startAppServer(3396, {
      SESSION_IDLE_TIMEOUT: '2s',
      SESSION_ABSOLUTE_TIMEOUT: '5s',
      TRUSTED_PROXIES: '127.0.0.1',
    })
    return () => server.stop()
  })

  test('a session idle for longer than the idle timeout is logged out, and told why', async ({ assert }) => {
    const blog = await createBlog(uniqueName('idle'))
    const owner = new Browser('127.0.0.1', server.url)
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    assert.equal((await owner.get(blog.domain, '/dashboard')).status, 200)
    await sleep(1000)
    assert.equal((await owner.get(blog.domain, '/dashboard')).status, 200, 'still active after 1 s')
    await sleep(2600)
    const after = await owner.get(blog.domain, '/dashboard')
    assert.equal(after.status, 302)
    assert.equal(after.headers.location, '/login?next=%2Fdashboard')
    const login = await owner.get(blog.domain, '/login?next=%2Fdashboard')
    assert.include(login.body, 'Your session has expired. Please log in again.')
  }).timeout(30_000)

  test('an active session still ends at the absolute timeout', async ({ assert }) => {
    const blog = await createBlog(uniqueName('absolute'))
    const owner = new Browser('127.0.0.1', server.url)
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    const statuses: number[] = []
    for (let second = 0; second < 7; second++) {
      statuses.push((await owner.get(blog.domain, '/dashboard')).status)
      await sleep(1000)
    }
    assert.deepEqual(statuses.slice(0, 4), [200, 200, 200, 200], 'active for the first 4 s')
    assert.equal(statuses[6], 302, 'logged out after 5 s however active')
  }).timeout(30_000)

  test('Secure cookies and HSTS follow the protocol, as a trusted proxy reports it', async ({ assert }) => {
    const blog = await createBlog(uniqueName('proto'))
    const plain = new Browser('127.0.0.1', server.url)
    await plain.get(blog.domain, '/login')
    const overHttp = await plain.post(blog.domain, '/login', { uid: blog.schemaName, password: BLOG_PASSWORD })
    assert.equal(overHttp.status, 302, 'a login over plain http works')
    assert.isTrue(overHttp.headers['set-cookie']!.every((cookie) => !/;\s*secure/i.test(cookie)))
    assert.isUndefined(overHttp.headers['strict-transport-security'])
    assert.equal((await plain.get(blog.domain, '/dashboard')).status, 200)

    const https = { 'x-forwarded-proto': 'https' }
    const tls = new Browser('127.0.0.1', server.url)
    await tls.get(blog.domain, '/login', https)
    const overHttps = await tls.post(blog.domain, '/login', { uid: blog.schemaName, password: BLOG_PASSWORD }, { headers: https })
    assert.equal(overHttps.status, 302)
    const kept = overHttps.headers['set-cookie']!.filter((cookie) => !/max-age=0|expires=thu, 01 jan 1970/i.test(cookie))
    assert.isAbove(kept.length, 0)
    assert.isTrue(kept.every((cookie) => /;\s*secure/i.test(cookie)), kept.join('\n'))
    assert.match(overHttps.headers['strict-transport-security'] as string, /^max-age=\d+$/)

    const reader = new Browser('127.0.0.1', server.url)
    reader.keepCookies = false
    const pages = []
    for (let i = 0; i < 3; i++) pages.push(await reader.get(blog.domain, '/', https))
    assert.equal(pages[2].headers['x-page-cache'], 'hit')
    for (const page of pages) {
      assert.match(page.headers['strict-transport-security'] as string, /^max-age=\d+$/, 'once, on a render and on a hit')
    }
    const overPlainHttp = await reader.get(blog.domain, '/')
    assert.isUndefined(overPlainHttp.headers['strict-transport-security'], 'a page stored over https carries none over http')
  }).timeout(30_000)
})

test.group('Sessions and forms', () => {
  test('logging out voids a hand-off link issued before', async ({ client, assert }) => {
    const username = uniqueUsername('void')
    const { host } = await signUpAndLand(new Visitor(client), username)
    const visitor = new Visitor(client)
    await visitor.get('localhost', '/login')
    const login = await visitor.submit('localhost', '/login', { uid: username, password: PASSWORD })
    const link = new URL(login.header('location')!)

    await visitor.get('localhost', '/')
    const out = await visitor.submit('localhost', '/logout', {})
    assert.equal(out.status(), 302)

    const late = await visitor.get(host, `${link.pathname}${link.search}`)
    assert.equal(late.header('location'), '/login', 'the link no longer logs anyone in')
    assert.equal((await visitor.get(host, '/dashboard')).status(), 302)
  })

  test('a rejected 900 KB post comes back whole in the same response, with no cookie', async ({ assert }) => {
    const blog = await createBlog(uniqueName('bigform'))
    const owner = new Browser()
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    await owner.get(blog.domain, '/dashboard/posts/new')
    const content = `The start ${'x'.repeat(900_000)} the end`
    const reply = await owner.post(blog.domain, '/dashboard/posts', { title: 'Too long', content })
    assert.equal(reply.status, 422)
    assert.include(reply.body, `The start ${'x'.repeat(900_000)} the end</textarea>`)
    assert.match(reply.body, /This post is 900,018 characters long; this blog(&#39;|&#x27;|')s plan allows [\d,]+\./)
    const cookies = [reply.headers['set-cookie'] ?? []].flat()
    assert.isAtMost(cookies.join('').length, 4096, 'nothing large goes into a cookie')
  })

  test('a public page sets no cookie for a visitor without a session, whatever other cookies they send', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('nocookie'), { posts: 1 })
    const reader = new Browser()
    for (const path of ['/', '/posts/post-1', '/feed.xml', '/sitemap.xml', '/sitemaps/posts-1.xml', '/nothing-here']) {
      const reply = await reader.get(blog.domain, path, { cookie: 'seen=1; theme=dark' })
      assert.isUndefined(reply.headers['set-cookie'], path)
    }
    const form = await reader.get(blog.domain, '/login')
    assert.isDefined(form.headers['set-cookie'], 'a page with a form starts a session for its CSRF token')
  })
})
