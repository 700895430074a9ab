/*
 * Suite 5: a catalogue of hostile input. Every case is its own test (Japa datasets) and
 * asserts a clear answer (a 4xx, a refused form, or the right page for a harmless variant:
 * never a 500) and no stored damage: the database fingerprint (users, tenants, domains,
 * schemas, the victim blog's posts) is the same before and after, unless the case is
 * content that is rightly stored (XSS payloads), which must then be rendered inert.
 *
 * Requests go over raw sockets (node:net) where HTTP clients would repair the input
 * (duplicate or malformed Host headers, `..` in paths), and otherwise through a small
 * node:http client with a cookie jar per host and the CSRF token of the last page.
 */
import net from 'node:net'
import { test } from '@japa/runner'
import { Browser } from '#tests/helpers/browser'
import db from '@adonisjs/lucid/services/db'
import limiter from '@adonisjs/limiter/services/main'
import { createBlog, schemaExists, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'
import { runAce } from '#tests/helpers/ace'

const ADDRESS = process.env.HOST ?? '127.0.0.1'
const PORT = Number(process.env.PORT ?? 3333)

let cases = 0
const byKind = new Map<string, number>()
function counted(kind: string) {
  cases++
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1)
}

/*
 * The blog under attack, its owner logged in, shared by every case.
 */
const fixture = {
  victim: null as unknown as Awaited<ReturnType<typeof createBlog>>,
  other: null as unknown as Awaited<ReturnType<typeof createBlog>>,
  owner: null as unknown as Browser,
}

/*
 * One request written byte for byte on a socket; the answer read until the server closes.
 */
function raw(head: string, body: Buffer | string = ''): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(PORT, ADDRESS)
    const chunks: Buffer[] = []
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const status = Number(text.match(/^HTTP\/1\.[01] (\d{3})/)?.[1] ?? 0)
      if (!status) return reject(new Error(`no HTTP answer to ${JSON.stringify(head.slice(0, 120))}`))
      resolve({ status, head: text.slice(0, split), body: text.slice(split + 4) })
    }
    socket.setTimeout(15_000, () => socket.destroy(new Error('timed out')))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', finish)
    socket.on('close', () => chunks.length && finish())
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer 413 and close while the body is still being sent.
      if (chunks.length && ['ECONNRESET', 'EPIPE'].includes(error.code ?? '')) return
      reject(error)
    })
    socket.write(Buffer.from(head.replace(/\n/g, '\r\n'), 'latin1'))
    if (body.length) socket.write(body)
  })
}

/*
 * What the hostile requests must not change.
 */
async function fingerprint() {
  const victim = fixture.victim.schemaName
  const { rows } = await db.rawQuery(
    `select
       (select count(*) from public.users) as users,
       (select md5(coalesce(string_agg(concat_ws('|', id, username, email, password), ',' order by id), '')) from public.users) as users_md5,
       (select md5(coalesce(string_agg(t::text, ',' order by id), '')) from public.tenants t) as tenants_md5,
       (select md5(coalesce(string_agg(d::text, ',' order by id), '')) from public.domains d) as domains_md5,
       (select string_agg(nspname, ',' order by nspname) from pg_namespace) as schemas,
       (select md5(coalesce(string_agg(p::text, ',' order by id), '')) from "${victim}".posts p) as posts_md5,
       (select to_regclass('public.users') is not null and to_regclass('"${victim}".posts') is not null) as tables_intact`
  )
  return rows[0]
}

async function withoutDamage<T>(assert: any, run: () => Promise<T>): Promise<T> {
  const before = await fingerprint()
  const result = await run()
  assert.deepEqual(await fingerprint(), before, 'stored data changed')
  return result
}

function assertClientError(assert: any, status: number, allowed: number[] = []) {
  assert.isTrue(
    (status >= 400 && status < 500) || allowed.includes(status),
    `expected a 4xx${allowed.length ? ` or ${allowed.join('/')}` : ''}, got ${status}`
  )
}

const APP_SCRIPT = /<script type="module" src="\/assets\/js\/[a-z_]+\.[0-9a-f]{10}\.js"><\/script>/g

/*
 * Markup that would run: a script element, an event handler attribute, a javascript: URL.
 * The one script allowed is the app's own, from its assets (the editor's), exactly as the
 * templates write it.
 */
function assertInert(assert: any, html: string, where: string) {
  // Quoted attribute values are data, not markup (their quotes are escaped inside).
  const body = html.replace(APP_SCRIPT, '').replace(/"[^"<]*"/g, '""')
  assert.notMatch(body, /<script[\s>]/i, `${where}: script element`)
  assert.notMatch(body, /<[a-z][^>]*\son[a-z]+\s*=/i, `${where}: event handler attribute`)
  assert.notMatch(body, /(href|src|action)\s*=\s*["']?\s*(javascript|data):/i, `${where}: script URL`)
  assert.notMatch(body, /<(svg|iframe|object|embed)[\s/>]/i, `${where}: active element`)
}

test.group('Hostile input', (group) => {
  group.setup(async () => {
    fixture.victim = await createBlog(uniqueName('victim'), { posts: 3 })
    fixture.other = await createBlog(uniqueName('bystander'), { posts: 1 })
    fixture.owner = new Browser()
    await fixture.owner.get(fixture.victim.domain, '/login')
    const login = await fixture.owner.post(fixture.victim.domain, '/login', {
      uid: fixture.victim.schemaName,
      password: BLOG_PASSWORD,
    })
    if (login.headers.location !== '/dashboard') throw new Error(`owner login failed: ${login.status}`)
    await fixture.owner.get(fixture.victim.domain, '/dashboard')
    return async () => {
      await limiter.clear()
      const kinds = [...byKind].map(([kind, count]) => `${kind} ${count}`).join(', ')
      console.log(`hostile input: ${cases} cases tried (${kinds})`)
    }
  })

  /*
   * Host header variants, written raw. `serves`: the blog whose page must come back for a
   * harmless spelling of its host; otherwise a 4xx.
   */
  test('Host header: {name}')
    .with([
      { name: 'unknown blog', host: () => `nobody-${process.pid}.localhost`, status: [404], text: 'No blog here' },
      { name: 'upper case', host: () => fixture.victim.domain.toUpperCase(), serves: true },
      { name: 'trailing dot', host: () => `${fixture.victim.domain}.`, serves: true },
      { name: 'with port', host: () => `${fixture.victim.domain}:${PORT}`, serves: true },
      { name: 'mixed case, dot and port', host: () => `${fixture.victim.domain.toUpperCase()}.:${PORT}`, serves: true },
      { name: 'IPv4 literal', host: () => '127.0.0.1', status: [404] },
      { name: 'IPv4 literal with port', host: () => `127.0.0.1:${PORT}`, status: [404] },
      { name: 'IPv6 literal', host: () => `[::1]:${PORT}`, status: [404] },
      { name: '300 characters', host: () => `${'a'.repeat(60)}.`.repeat(5) + 'localhost', status: [404, 400, 431] },
      { name: 'one 300-character label', host: () => `${'b'.repeat(300)}.localhost`, status: [404, 400] },
      { name: 'unicode (UTF-8 bytes)', host: () => Buffer.from('bücher.localhost', 'utf8').toString('latin1'), status: [404, 400] },
      { name: 'punycode', host: () => 'xn--bcher-kva.localhost', status: [404] },
      { name: 'empty', host: () => '', status: [400, 404] },
      { name: 'missing', host: () => null, status: [400] },
      { name: 'two Host headers, victim first', host: () => [fixture.victim.domain, fixture.other.domain], status: [400] },
      { name: 'two Host headers, victim second', host: () => [fixture.other.domain, fixture.victim.domain], status: [400] },
      { name: 'userinfo', host: () => `evil.test@${fixture.victim.domain}`, status: [404, 400] },
      { name: 'path in host', host: () => `${fixture.victim.domain}/../evil`, status: [404, 400] },
      { name: 'space in host', host: () => `${fixture.victim.domain} evil.test`, status: [404, 400] },
      { name: 'SQL in host', host: () => `x'; drop schema public cascade; --.localhost`, status: [404, 400] },
      { name: 'schema name with underscore as host', host: () => `${fixture.victim.schemaName}.localhost`, status: [404] },
      { name: 'main site with trailing dot', host: () => 'localhost.', main: true },
    ])
    .run(async ({ assert }, row) => {
      counted('host')
      const host = row.host()
      const lines = host === null ? [] : [host].flat().map((value) => `Host: ${value}`)
      const reply = await withoutDamage(assert, () =>
        raw(`GET / HTTP/1.1\n${lines.join('\n')}${lines.length ? '\n' : ''}Connection: close\n\n`)
      )
      if (row.serves) {
        assert.equal(reply.status, 200)
        assert.include(reply.body, `${fixture.victim.schemaName} post 3`)
      } else if (row.main) {
        assert.equal(reply.status, 200)
        assert.include(reply.body, 'EchoBlogs')
      } else {
        assertClientError(assert, reply.status)
        assert.include(row.status, reply.status)
        assert.notInclude(reply.body, `${fixture.victim.schemaName} post`)
        if (row.text) assert.include(reply.body, row.text)
      }
    })

  /*
   * X-Forwarded-* from a client that is not a configured proxy changes nothing.
   */
  test('forwarded headers from an untrusted client: {name}')
    .with([
      { name: 'X-Forwarded-Host to a blog, on the main site', host: 'localhost', headers: () => ({ 'x-forwarded-host': fixture.victim.domain }), expect: 'main' },
      { name: 'X-Forwarded-Host to a blog, on an unknown host', host: 'nowhere.localhost', headers: () => ({ 'x-forwarded-host': fixture.victim.domain }), expect: 404 },
      { name: 'X-Forwarded-Host to another blog', host: 'victim', headers: () => ({ 'x-forwarded-host': fixture.other.domain }), expect: 'victim' },
      { name: 'Forwarded: host=', host: 'localhost', headers: () => ({ forwarded: `for=1.2.3.4;host=${fixture.victim.domain};proto=https` }), expect: 'main' },
      { name: 'X-Forwarded-For and -Proto in feed links', host: 'victim', path: '/feed.xml', headers: () => ({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.0.0.1', 'x-forwarded-host': 'evil.test' }), expect: 'feed' },
      { name: 'X-Forwarded-Host on the hand-off link', host: 'localhost', login: true, headers: () => ({ 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' }), expect: 'handoff' },
    ])
    .run(async ({ assert }, row) => {
      counted('forwarded')
      const host = row.host === 'victim' ? fixture.victim.domain : row.host
      const browser = new Browser()
      if (row.login) {
        await browser.get(host, '/login')
        const reply = await browser.post(
          host,
          '/login',
          { uid: fixture.victim.schemaName, password: BLOG_PASSWORD },
          { headers: row.headers() }
        )
        assert.equal(reply.status, 302)
        assert.match(reply.headers.location!, new RegExp(`^http://${fixture.victim.domain.replaceAll('.', '\\.')}/auth/handoff\\?token=`))
        assert.notInclude(reply.headers.location!, 'evil.test')
        return
      }
      const reply = await withoutDamage(assert, () => browser.get(host, row.path ?? '/', row.headers()))
      if (row.expect === 'main') {
        assert.equal(reply.status, 200)
        assert.notInclude(reply.body, `${fixture.victim.schemaName} post`)
      } else if (row.expect === 'victim') {
        assert.equal(reply.status, 200)
        assert.include(reply.body, `${fixture.victim.schemaName} post`)
        assert.notInclude(reply.body, `${fixture.other.schemaName} post`)
      } else if (row.expect === 'feed') {
        assert.equal(reply.status, 200)
        assert.include(reply.body, `http://${fixture.victim.domain}/posts/`)
        assert.notInclude(reply.body, 'https://')
        assert.notInclude(reply.body, 'evil.test')
      } else {
        assert.equal(reply.status, row.expect)
      }
    })

  /*
   * Sign-up names the blog's schema after the username: hostile names are refused (422 for
   * a JSON client, the form with an error for a browser) and create nothing.
   */
  test('schema-name injection through sign-up: {username}')
    .with([
      { username: `x"; drop schema public cascade; --` },
      { username: `robert'); drop table public.users;--` },
      { username: 'pg_catalog' },
      { username: 'pg_evil' },
      { username: 'public' },
      { username: 'information_schema' },
      { username: 'select' },
      { username: 'admin' },
      { username: 'a"b' },
      { username: 'two words' },
      { username: 'ünïcödé' },
      { username: '../../etc' },
      { username: 'a'.repeat(64) },
      { username: '9lives' },
      { username: '_hidden' },
      { username: 'dash-name' },
      { username: `x\u0000y` },
    ])
    .run(async ({ assert }, row) => {
      counted('signup schema name')
      const preexisting = !row.username.includes('\u0000') && (await schemaExists(row.username))
      const browser = new Browser()
      await browser.get('localhost', '/signup')
      const reply = await withoutDamage(assert, () =>
        browser.post(
          'localhost',
          '/signup',
          {
            username: row.username,
            email: `hostile${cases}@example.test`,
            password: 'long enough password',
            password_confirmation: 'long enough password',
            blog_title: 'Hostile',
          },
          { headers: { accept: 'application/json' } }
        )
      )
      assert.equal(reply.status, 422)
      const errors = JSON.parse(reply.body).errors as { field: string }[]
      assert.include(errors.map((error) => error.field), 'username')
      if (!row.username.includes('\u0000')) assert.equal(await schemaExists(row.username), preexisting)
      assert.isNull(await db.from('public.users').where('email', `hostile${cases}@example.test`).first())
    })

  test('schema-name injection through tenants:create: {name}')
    .with([
      { name: `x"; drop schema public cascade; --` },
      { name: 'pg_temp_evil' },
      { name: 'public' },
      { name: '../etc' },
      { name: 'Upper' },
    ])
    .run(async ({ assert }, row) => {
      counted('tenants:create')
      const preexisting = await schemaExists(row.name)
      const result = await withoutDamage(assert, () => runAce(['tenants:create', row.name, '--title', 'Hostile']))
      assert.notEqual(result.exitCode, 0)
      assert.match(`${result.stdout}${result.stderr}`, /must|reserved|invalid/i)
      assert.equal(await schemaExists(row.name), preexisting)
    })

  /*
   * Script in every text field: refused where the field's rules forbid it, otherwise
   * stored as typed and rendered inert in pages, the Atom feed and the sitemap.
   */
  const PAYLOADS = [
    `<script>alert("x1")</script>`,
    `"><img src=x onerror=alert(2)>`,
    `<svg/onload=alert(3)>`,
    `]]></title><script>alert(4)</script>`,
    `[click](javascript:alert(5)) <a href="javascript:alert(5)">a</a> <iframe src="data:text/html,x">`,
  ]
  const XSS_FIELDS = ['post title', 'post content', 'post slug', 'blog title', 'blog tagline', 'sign-up blog title', 'sign-up username', 'sign-up email']
  test('XSS in {field}: payload {index}')
    .with(XSS_FIELDS.flatMap((field) => PAYLOADS.map((payload, i) => ({ field, payload, index: i + 1 }))))
    .run(async ({ assert }, row) => {
      counted('xss')
      const { victim, owner } = fixture
      const host = victim.domain
      const pages: [string, string, string][] = []
      const check = async (pageHost: string, path: string, browser: Browser = owner) => {
        const reply = await browser.get(pageHost, path)
        assert.equal(reply.status, 200, `${pageHost}${path}`)
        pages.push([pageHost, path, reply.body])
        assertInert(assert, reply.body, `${pageHost}${path}`)
        return reply.body
      }

      if (row.field.startsWith('post')) {
        const fields: Record<string, string> = { title: 'Safe title', content: 'Safe content', publish: '1' }
        if (row.field === 'post title') fields.title = row.payload
        if (row.field === 'post content') fields.content = row.payload
        if (row.field === 'post slug') fields.slug = row.payload
        await owner.get(host, '/dashboard/posts/new')
        const before = await db.from(`${victim.schemaName}.posts`).count('* as n').first()
        const created = await owner.post(host, '/dashboard/posts', fields)
        if (row.field === 'post slug') {
          assert.equal(created.status, 422, 'the form again')
          assertInert(assert, created.body, 'the refused post form')
          const after = await db.from(`${victim.schemaName}.posts`).count('* as n').first()
          assert.equal(after.n, before.n, 'nothing created')
          return
        }
        assert.equal(created.headers.location, '/dashboard')
        const post = await db.from(`${victim.schemaName}.posts`).orderBy('id', 'desc').first()
        assert.equal(post.title, fields.title, 'stored as typed')
        assert.equal(post.content, fields.content)
        await check(host, '/')
        await check(host, `/posts/${encodeURIComponent(post.slug)}`)
        await check(host, '/dashboard')
        await check(host, `/dashboard/posts/${post.id}/edit`)
        const feed = await check(host, '/feed.xml')
        const sitemap = await check(host, '/sitemap.xml')
        if (row.field === 'post title') assert.include(feed, '&lt;')
        assert.notInclude(sitemap, '<script')
        await check('localhost', '/', new Browser())
        return
      }

      if (row.field.startsWith('blog')) {
        const field = row.field === 'blog title' ? 'name' : 'tagline'
        await owner.get(host, '/dashboard/settings')
        const saved = await owner.post(host, '/dashboard/settings?_method=PUT', {
          name: field === 'name' ? row.payload : 'Victim blog',
          tagline: field === 'tagline' ? row.payload : 'A tagline',
        })
        assert.equal(saved.headers.location, '/dashboard/settings')
        const tenant = await db.from('public.tenants').where('id', victim.id).first()
        assert.equal(tenant[field], row.payload, 'stored as typed')
        await check(host, '/')
        await check(host, '/posts/post-1')
        await check(host, '/dashboard/settings')
        const feed = await check(host, '/feed.xml')
        assert.include(feed, '&lt;')
        await check(host, '/sitemap.xml')
        await check('localhost', '/', new Browser())
        await check(host, '/login', new Browser())
        return
      }

      // Sign-up fields
      const username = uniqueName('xss').slice(0, 30)
      const fields = {
        username,
        email: `${username}@example.test`,
        password: 'long enough password',
        password_confirmation: 'long enough password',
        blog_title: 'Plain',
      }
      if (row.field === 'sign-up blog title') fields.blog_title = row.payload
      if (row.field === 'sign-up username') fields.username = row.payload
      if (row.field === 'sign-up email') fields.email = row.payload
      const browser = new Browser()
      await browser.get('localhost', '/signup')
      if (row.field !== 'sign-up blog title') {
        const refused = await withoutDamage(assert, () => browser.post('localhost', '/signup', fields))
        assert.equal(refused.status, 422, 'the form again')
        // The form shows the refused input again, escaped.
        assertInert(assert, refused.body, 'the refused sign-up form')
        return
      }
      const created = await browser.post('localhost', '/signup', fields)
      assert.equal(created.status, 302)
      const tenant = await db.from('public.tenants').where('schema_name', username).first()
      assert.equal(tenant.name, row.payload, 'stored as typed')
      const blogHost = `${username.replaceAll('_', '-')}.localhost`
      const reader = new Browser()
      await check(blogHost, '/', reader)
      await check(blogHost, '/feed.xml', reader)
      await check(blogHost, '/sitemap.xml', reader)
      await check(blogHost, '/login', reader)
      await check('localhost', '/', reader)
      const handoff = new URL(created.headers.location!)
      const landed = await browser.get(handoff.host, `${handoff.pathname}${handoff.search}`)
      await check(blogHost, landed.headers.location ?? '/dashboard', browser)
    })

  /*
   * SQL in slugs, page numbers, ids and form fields: parameters all the way down.
   */
  test('SQL injection: {name}')
    .with([
      { name: 'slug with quote', path: `/posts/${encodeURIComponent(`' OR '1'='1`)}`, status: 404 },
      { name: 'slug with drop', path: `/posts/${encodeURIComponent(`x'; drop table posts; --`)}`, status: 404 },
      { name: 'slug with union', path: `/posts/${encodeURIComponent(`' union select username, password from public.users --`)}`, status: 404 },
      { name: 'slug with comment', path: `/posts/${encodeURIComponent(`post-1' --`)}`, status: 404 },
      { name: 'slug with like wildcard', path: '/posts/%25', status: 404 },
      { name: 'page with quote', path: `/?page=${encodeURIComponent(`1' OR '1'='1`)}`, status: 200 },
      { name: 'page with semicolon', path: `/?page=${encodeURIComponent('1; drop table posts')}`, status: 200 },
      { name: 'negative page', path: '/?page=-5', status: 200 },
      { name: 'huge page', path: '/?page=99999999999999999999999', status: 200 },
      { name: 'page as array', path: '/?page[]=1&page[]=2', status: 200 },
      { name: 'page as object', path: '/?page[x]=1', status: 200 },
      { name: 'dashboard id with SQL', path: `/dashboard/posts/${encodeURIComponent('1 or 1=1')}/edit`, status: 404, owner: true },
      { name: 'dashboard id negative', path: '/dashboard/posts/-1/edit', status: 404, owner: true },
      { name: 'dashboard id beyond integer', path: '/dashboard/posts/99999999999999999999/edit', status: 404, owner: true },
      { name: 'dashboard id beyond int4', path: '/dashboard/posts/2147483648/edit', status: 404, owner: true },
      { name: 'slug with NUL', path: '/posts/post-1%00', status: 404 },
      { name: 'page with NUL', path: '/?page=1%00', status: 200 },
      { name: 'login uid', login: `' OR '1'='1' --`, status: 422 },
      { name: 'login uid with NUL', login: `admin\u0000' --`, status: 422 },
      { name: 'login uid with drop', login: `admin'; drop table public.users; --`, status: 422 },
    ])
    .run(async ({ assert }, row) => {
      counted('sql')
      const host = fixture.victim.domain
      if (row.login) {
        const browser = new Browser()
        await browser.get(host, '/login')
        const reply = await withoutDamage(assert, () =>
          browser.post(host, '/login', { uid: row.login, password: `' OR '1'='1` }, { headers: { accept: 'application/json' } })
        )
        assert.equal(reply.status, row.status)
        assert.equal((await browser.get(host, '/dashboard')).status, 302, 'not logged in')
        await limiter.clear()
        return
      }
      const browser = row.owner ? fixture.owner : new Browser()
      const reply = await withoutDamage(assert, () => browser.get(host, row.path!))
      assert.equal(reply.status, row.status)
      if (row.status === 200) assert.include(reply.body, 'Atom feed')
      assert.notInclude(reply.body, '$scrypt$')
    })

  test('SQL injection and NUL in form fields: {field} {value}')
    .with([
      { field: 'post title', value: `x\u0000y`, refused: true },
      { field: 'post content', value: `x\u0000y`, refused: true },
      { field: 'blog title', value: `x\u0000y`, refused: true },
      { field: 'post title', value: `'); drop table posts; --` },
      { field: 'post content', value: `'; update public.users set password = 'x'; --` },
      { field: 'blog title', value: `'; drop schema public cascade; --` },
    ])
    .run(async ({ assert }, row) => {
      counted('sql')
      const { owner, victim } = fixture
      const host = victim.domain
      const users = await db.from('public.users').select('id', 'password').orderBy('id')
      if (row.refused) {
        const path = row.field === 'blog title' ? '/dashboard/settings?_method=PUT' : '/dashboard/posts'
        const fields: Record<string, string> = row.field === 'blog title' ? { name: row.value } : row.field === 'post title' ? { title: row.value, content: 'x' } : { title: 'NUL', content: row.value }
        await owner.get(host, row.field === 'blog title' ? '/dashboard/settings' : '/dashboard/posts/new')
        const reply = await withoutDamage(assert, () => owner.post(host, path, fields, { headers: { accept: 'application/json' } }))
        assert.equal(reply.status, 422)
        return
      }
      if (row.field === 'blog title') {
        await owner.get(host, '/dashboard/settings')
        const saved = await owner.post(host, '/dashboard/settings?_method=PUT', { name: row.value })
        assert.equal(saved.status, 302)
        assert.equal((await db.from('public.tenants').where('id', victim.id).first()).name, row.value)
      } else {
        await owner.get(host, '/dashboard/posts/new')
        const fields = row.field === 'post title' ? { title: row.value, content: 'x' } : { title: 'SQL', content: row.value }
        const saved = await owner.post(host, '/dashboard/posts', fields)
        assert.equal(saved.headers.location, '/dashboard')
        const post = await db.from(`${victim.schemaName}.posts`).orderBy('id', 'desc').first()
        assert.equal(row.field === 'post title' ? post.title : post.content, row.value)
      }
      assert.deepEqual(await db.from('public.users').select('id', 'password').orderBy('id'), users)
      assert.isTrue((await fingerprint()).tables_intact)
    })

  /*
   * Forms without a valid CSRF token are refused (a 403 page that shows what was sent) and
   * write nothing.
   */
  test('CSRF: {name}')
    .with([
      { name: 'sign-up without a token', host: 'localhost', path: '/signup', fields: () => ({ username: `csrf_${process.pid}`, email: `csrf${process.pid}@example.test`, password: 'long enough password', password_confirmation: 'long enough password', blog_title: 'x' }), token: null },
      { name: 'sign-up with a forged token', host: 'localhost', path: '/signup', fields: () => ({ username: `csrf2_${process.pid}`, email: `csrf2${process.pid}@example.test`, password: 'long enough password', password_confirmation: 'long enough password', blog_title: 'x' }), token: 'forged' },
      { name: 'main-site login without a token', host: 'localhost', path: '/login', fields: () => ({ uid: fixture.victim.schemaName, password: BLOG_PASSWORD }), token: null, fresh: true },
      { name: 'blog login without a token', host: 'victim', path: '/login', fields: () => ({ uid: fixture.victim.schemaName, password: BLOG_PASSWORD }), token: null, fresh: true },
      { name: 'new post without a token', host: 'victim', path: '/dashboard/posts', fields: () => ({ title: 'Forged', content: 'x', publish: '1' }), token: null },
      { name: 'new post with a token from another session', host: 'victim', path: '/dashboard/posts', fields: () => ({ title: 'Forged', content: 'x', publish: '1' }), token: 'other-session' },
      { name: 'new post with a token from another host', host: 'victim', path: '/dashboard/posts', fields: () => ({ title: 'Forged', content: 'x' }), token: 'other-host' },
      { name: 'settings with an empty token', host: 'victim', path: '/dashboard/settings?_method=PUT', fields: () => ({ name: 'Forged' }), token: '' },
      { name: 'delete with a forged X-CSRF-Token header', host: 'victim', path: '/dashboard/posts/1?_method=DELETE', fields: () => ({}), token: 'header' },
      { name: 'logout without a token', host: 'victim', path: '/logout', fields: () => ({}), token: null, stillLoggedIn: true },
    ])
    .run(async ({ assert }, row) => {
      counted('csrf')
      const host = row.host === 'victim' ? fixture.victim.domain : row.host
      const browser = row.fresh || row.host === 'localhost' ? new Browser() : fixture.owner
      await browser.get(host, row.host === 'localhost' ? '/signup' : '/dashboard/settings')
      let token: string | undefined
      const headers: Record<string, string> = {}
      if (row.token === 'forged') token = 'forged-token'
      if (row.token === '') token = ''
      if (row.token === 'other-session') {
        const stranger = new Browser()
        await stranger.get(host, '/login')
        token = stranger.csrf.get(host)
      }
      if (row.token === 'other-host') {
        await browser.get(fixture.other.domain, '/login')
        token = browser.csrf.get(fixture.other.domain)
      }
      if (row.token === 'header') headers['x-csrf-token'] = 'forged-token'
      const fields = { ...row.fields(), ...(token !== undefined ? { _csrf: token } : {}) }
      const reply = await withoutDamage(assert, () =>
        browser.post(host, row.path, fields, { csrf: false, headers: { ...headers, referer: `http://${host}/` } })
      )
      assert.include([302, 403], reply.status)
      if (reply.status === 302) assert.equal(reply.headers.location, '/', 'sent back, not on')
      if (row.stillLoggedIn) assert.equal((await browser.get(host, '/dashboard')).status, 200)
      if (row.fresh) assert.equal((await browser.get(host, row.host === 'localhost' ? '/my-blog' : '/dashboard')).status === 200, false)
    })

  /*
   * Method spoofing only turns a POST into PUT/DELETE on routes that have them.
   */
  test('method spoofing: {name}')
    .with([
      { name: '_method=DELETE on a GET', method: 'GET', path: (id: number) => `/dashboard/posts/${id}?_method=DELETE`, status: [404] },
      { name: '_method=PUT on a GET with fields', method: 'GET', path: () => `/dashboard/settings?_method=PUT&name=Spoofed`, status: [200] },
      { name: '_method=DELETE on the public home', method: 'POST', path: () => '/?_method=DELETE', status: [404] },
      { name: '_method=DELETE on a public post', method: 'POST', path: () => '/posts/post-1?_method=DELETE', status: [404] },
      { name: '_method=TRACE', method: 'POST', path: (id: number) => `/dashboard/posts/${id}?_method=TRACE`, status: [404, 405] },
      { name: '_method=FOO', method: 'POST', path: (id: number) => `/dashboard/posts/${id}?_method=FOO`, status: [404, 405] },
      { name: '_method=CONNECT', method: 'POST', path: () => `/dashboard/posts?_method=CONNECT`, status: [404, 405] },
      { name: 'DELETE spoofed on settings', method: 'POST', path: () => '/dashboard/settings?_method=DELETE', status: [404] },
      { name: 'PUT spoofed on the post list', method: 'POST', path: () => '/dashboard/posts?_method=PUT', status: [404] },
      { name: '_method in the body only', method: 'POST', path: (id: number) => `/dashboard/posts/${id}`, body: { _method: 'DELETE' }, status: [404] },
      { name: 'lower-case _method=delete on settings', method: 'POST', path: () => '/dashboard/settings?_method=delete', status: [404] },
      { name: 'real PROPFIND', method: 'PROPFIND', path: () => '/', status: [404, 405] },
      { name: 'real TRACE', method: 'TRACE', path: () => '/', status: [404, 405] },
      { name: 'real DELETE without a token', method: 'DELETE', path: (id: number) => `/dashboard/posts/${id}`, status: [302, 403], csrf: false },
    ])
    .run(async ({ assert }, row) => {
      counted('method')
      const { owner, victim } = fixture
      const host = victim.domain
      const [post] = await db.from(`${victim.schemaName}.posts`).orderBy('id').limit(1)
      await owner.get(host, '/dashboard')
      const path = row.path(post.id)
      const reply = await withoutDamage(assert, async () => {
        if (row.method === 'GET') return owner.get(host, path)
        if (row.method === 'POST') return owner.post(host, path, row.body ?? { name: 'Spoofed', title: 'Spoofed', content: 'x' })
        return owner.send(row.method, host, path)
      })
      assert.include(row.status, reply.status)
    })

  /*
   * Bodies over the 1 MB limits are refused with 413 before anything reads them.
   */
  test('oversized body: {name}')
    .with([
      { name: '2 MB sign-up form', host: (): string => 'localhost', path: '/signup', type: 'application/x-www-form-urlencoded', size: 2 * 1024 * 1024 },
      { name: '2 MB new post as the owner', host: (): string => fixture.victim.domain, path: '/dashboard/posts', type: 'application/x-www-form-urlencoded', size: 2 * 1024 * 1024, owner: true },
      { name: '1.5 MB settings update', host: (): string => fixture.victim.domain, path: '/dashboard/settings?_method=PUT', type: 'application/x-www-form-urlencoded', size: 1.5 * 1024 * 1024, owner: true },
      { name: '2 MB JSON login', host: (): string => fixture.victim.domain, path: '/login', type: 'application/json', size: 2 * 1024 * 1024 },
      { name: '50 MB announced, little sent', host: (): string => 'localhost', path: '/signup', type: 'application/x-www-form-urlencoded', size: 1024, announce: 50 * 1024 * 1024 },
    ])
    .run(async ({ assert }, row) => {
      counted('oversized')
      const host = row.host()
      const cookies = row.owner
        ? [...fixture.owner.jar(host)].map(([name, value]) => `${name}=${value}`).join('; ')
        : ''
      const filler = 'x'.repeat(row.size)
      const body =
        row.type === 'application/json'
          ? JSON.stringify({ uid: 'a', password: 'b', pad: filler })
          : `title=big&name=big&content=${filler}`
      const length = row.announce ?? Buffer.byteLength(body)
      const reply = await withoutDamage(assert, () =>
        raw(
          `POST ${row.path} HTTP/1.1\nHost: ${host}\nContent-Type: ${row.type}\nContent-Length: ${length}\n` +
            `${cookies ? `Cookie: ${cookies}\n` : ''}Connection: close\n\n`,
          row.announce ? body.slice(0, 1024) : body
        )
      )
      assert.equal(reply.status, 413)
      assert.include(reply.body, 'What you sent is too large.')
    })

  /*
   * Static files: nothing outside public/ (source, .env, package.json) is ever served.
   */
  test('path traversal in static paths: {path} on {on}')
    .with(
      [
        '/css/../../package.json',
        '/css/%2e%2e/%2e%2e/package.json',
        '/css/..%2f..%2fpackage.json',
        '/css/%2e%2e%2f%2e%2e%2fpackage.json',
        '/css/..%5c..%5cpackage.json',
        '/css/%252e%252e/%252e%252e/package.json',
        '/css/....//....//package.json',
        '/css/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
        '/css/%00/../../.env',
        '/..%2f.env',
        '/.env',
        '//etc/passwd',
        '/css/app.css/..%2f..%2f..%2fstart/env.ts',
      ].flatMap((path) => [
        { path, on: 'main site' },
        { path, on: 'blog' },
      ])
    )
    .run(async ({ assert }, row) => {
      counted('traversal')
      const host = row.on === 'blog' ? fixture.victim.domain : 'localhost'
      const reply = await withoutDamage(assert, () =>
        raw(`GET ${row.path} HTTP/1.1\nHost: ${host}\nConnection: close\n\n`)
      )
      assertClientError(assert, reply.status)
      assert.notInclude(reply.body, '"name": "echoblogs"')
      assert.notInclude(reply.body, 'APP_KEY')
      assert.notInclude(reply.body, 'Env.create')
      assert.notInclude(reply.body, 'root:x:0:0')
    })

  /*
   * `next` on the blog login: only paths on this host, whatever the spelling.
   */
  test('open redirect through login ?next={next}')
    .with([
      { next: 'http://evil.test/' },
      { next: 'https://evil.test/steal' },
      { next: '//evil.test' },
      { next: '///evil.test' },
      { next: '/\\evil.test' },
      { next: '\\\\evil.test' },
      { next: '/\\/evil.test' },
      { next: 'javascript:alert(1)' },
      { next: 'data:text/html,<script>alert(1)</script>' },
      { next: '/\t/evil.test' },
      { next: '/\n/evil.test' },
      { next: '/\r\nSet-Cookie: x=y' },
      { next: 'http:evil.test' },
      { next: ' //evil.test' },
      { next: '/%2F%2Fevil.test' },
      { next: '/%5Cevil.test' },
      { next: '/./\\evil.test' },
      { next: '/日本/ok' },
      { next: '/dashboard/../..//evil.test' },
      { next: `/${'a'.repeat(5000)}` },
    ])
    .run(async ({ assert }, row) => {
      counted('redirect')
      const host = fixture.victim.domain
      const browser = new Browser()
      const form = await browser.get(host, `/login?next=${encodeURIComponent(row.next)}`)
      assert.equal(form.status, 200)
      const hidden = form.body.match(/name="next" value="([^"]*)"/)![1].replace(/&#x2F;|&#47;/g, '/').replace(/&#x5C;|&#92;/g, '\\')
      assert.isTrue(hidden === '' || (hidden.startsWith('/') && !/^\/[/\\]/.test(hidden)), `form keeps ${hidden}`)
      const reply = await withoutDamage(assert, () =>
        browser.post(host, '/login', { uid: fixture.victim.schemaName, password: BLOG_PASSWORD, next: row.next })
      )
      assert.equal(reply.status, 302)
      const location = reply.headers.location!
      assert.isTrue(location.startsWith('/') && !/^\/[/\\]/.test(location), `local path, got ${location}`)
      assert.notMatch(location, /[\u0000-\u001f\u007f\\]/)
      assert.equal(new URL(location, `http://${host}`).host, host)
      assert.notProperty(reply.headers, 'x')
    })
})
