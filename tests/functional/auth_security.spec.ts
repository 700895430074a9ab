/*
 * Suite 6: authentication. Login brute force is limited per account and per client
 * address; a session is bound to the host it logged in on; the session id rotates on
 * login; logout ends the session; passwords are stored as scrypt hashes; refused
 * cross-tenant attempts are logged without secrets.
 *
 * Requests go through a small raw client (node:http) rather than the api client, because
 * these tests need to read, copy and replay cookies and to connect from other loopback
 * addresses (127.0.0.x), which is how they act as several client IPs.
 */
import { test } from '@japa/runner'
import { Browser } from '#tests/helpers/browser'
import db from '@adonisjs/lucid/services/db'
import hash from '@adonisjs/core/services/hash'
import limiter from '@adonisjs/limiter/services/main'
import { Logger } from '@adonisjs/core/logger'
import tenancy from '#tenancy/service'
import { loginLimits } from '#start/limiter'
import { CROSS_TENANT_REFUSED } from '#middleware/blog_access_middleware'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

const SESSION_COOKIE = 'echoblogs-session'

async function postTitles(schema: string) {
  return (await db.from(`${schema}.posts`).select('title')).map((row) => row.title as string)
}

/*
 * Is this jar logged in on `host`? The dashboard answers 200 (owner), 403 (someone else)
 * or a redirect to the login form (nobody).
 */
async function dashboardStatus(browser: Browser, host: string) {
  return (await browser.get(host, '/dashboard')).status
}

test.group('Login brute force', (group) => {
  group.each.teardown(() => limiter.clear())

  test('failed logins are limited per account and address, on the blog host and the main site', async ({
    assert,
  }) => {
    const victim = await createBlog(uniqueName('bf_victim'))
    const bystander = await createBlog(uniqueName('bf_other'))
    const attacker = new Browser('127.0.0.21')
    const { requests } = loginLimits.perAccount

    for (let attempt = 1; attempt <= requests; attempt++) {
      // email and username name the same account: they count together
      const uid = attempt % 2 ? victim.schemaName : `${victim.schemaName}@example.test`
      const reply = await attacker.login(victim.domain, uid, `wrong-${attempt}`)
      assert.equal(reply.status, 422, `attempt ${attempt} is an ordinary failure`)
      assert.include(reply.body, 'The email, username or password is not correct.')
    }

    const blocked = await attacker.login(victim.domain, victim.schemaName, BLOG_PASSWORD)
    assert.equal(blocked.status, 429, 'even the right password is refused once blocked')
    assert.match(blocked.body, /Too many failed login attempts\. Try again in \d+ seconds?\./)
    assert.isAbove(Number(blocked.headers['retry-after']), 0)
    assert.equal(await dashboardStatus(attacker, victim.domain), 302)

    const onMainSite = await attacker.login('localhost', victim.schemaName, BLOG_PASSWORD)
    assert.equal(onMainSite.status, 429, 'the account counter is shared by every host')
    assert.include(onMainSite.body, 'Too many failed login attempts.')

    const spoofed = await attacker.login(victim.domain, victim.schemaName, BLOG_PASSWORD, {
      'x-forwarded-for': '203.0.113.9',
    })
    assert.equal(spoofed.status, 429, 'X-Forwarded-For from an untrusted client changes nothing')

    const otherAccount = await attacker.login(bystander.domain, bystander.schemaName, BLOG_PASSWORD)
    assert.equal(otherAccount.status, 302, 'other accounts from the same address still log in')
    assert.equal(otherAccount.headers.location, '/dashboard')

    const owner = new Browser('127.0.0.22')
    const ownLogin = await owner.login(victim.domain, victim.schemaName, BLOG_PASSWORD)
    assert.equal(ownLogin.headers.location, '/dashboard', 'the owner, from elsewhere, is not locked out')
    console.log(`  brute force per account: ${requests} failures allowed, attempt ${requests + 1} got 429`)
  })

  test('failed logins are limited per address across accounts', async ({ assert }) => {
    const blog = await createBlog(uniqueName('bf_ip'))
    const sprayer = new Browser('127.0.0.23')
    const { requests } = loginLimits.perIp

    for (let attempt = 1; attempt <= requests; attempt++) {
      const host = attempt % 2 ? blog.domain : 'localhost'
      const reply = await sprayer.login(host, `nobody_${attempt}`, 'guess', {
        'x-forwarded-for': `198.51.100.${attempt % 250}`,
      })
      assert.equal(reply.status, 422, `attempt ${attempt}`)
    }
    const blocked = await sprayer.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    assert.equal(blocked.status, 429)
    assert.match(blocked.body, /Try again in \d+ (seconds?|minutes)\./)

    const elsewhere = new Browser('127.0.0.24')
    const fine = await elsewhere.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    assert.equal(fine.headers.location, '/dashboard')
    console.log(`  brute force per address: ${requests} failures over ${requests} accounts, then 429`)
  })

  test('a successful login clears the account counter, not the address counter', async ({ assert }) => {
    const blog = await createBlog(uniqueName('bf_reset'))
    const browser = new Browser('127.0.0.25')
    const { requests } = loginLimits.perAccount
    for (let round = 1; round <= 3; round++) {
      for (let attempt = 1; attempt < requests; attempt++) {
        assert.equal((await browser.login(blog.domain, blog.schemaName, 'nope')).status, 422)
      }
      const ok = await browser.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
      assert.equal(ok.headers.location, '/dashboard', `round ${round}`)
    }
    const state = await limiter
      .use({ ...loginLimits.perIp, blockDuration: loginLimits.perIp.duration })
      .get('login_ip_127.0.0.25')
    assert.equal(state?.consumed, 3 * (requests - 1))
  })
})

test.group('Sessions', (group) => {
  group.each.teardown(() => limiter.clear())

  test('a session cookie minted on one blog host does not authenticate on another', async ({
    assert,
  }) => {
    // One user owning two blogs: the strongest case, the policy alone would allow it.
    const a = await createBlog(uniqueName('sess_a'))
    const bTenant = await tenancy.lifecycle.create({
      name: 'Second blog',
      schemaName: uniqueName('sess_b'),
      ownerId: a.ownerId!,
    })
    const bHost = tenancy.lifecycle.defaultDomain(bTenant.schemaName)
    const other = await createBlog(uniqueName('sess_c'))

    const browser = new Browser()
    const login = await browser.login(a.domain, a.schemaName, BLOG_PASSWORD)
    assert.equal(login.headers.location, '/dashboard')
    assert.equal(await dashboardStatus(browser, a.domain), 200)

    let tried = 0
    for (const host of [bHost, other.domain, 'localhost']) {
      // The attacker copies blog A's cookies to another host by hand.
      for (const [name, value] of browser.jar(a.domain)) browser.jar(host).set(name, value)
      tried++
      const status = await dashboardStatus(browser, host)
      if (host === 'localhost') assert.equal(status, 404, 'the main site has no dashboard')
      else assert.equal(status, 302, `${host}: not logged in`)

      if (host !== 'localhost') {
        await browser.get(host, '/')
        const write = await browser.post(host, '/dashboard/posts', {
          title: 'Smuggled',
          content: 'x',
          publish: '1',
        })
        assert.equal(write.status, 302)
        assert.match(write.headers.location!, /^\/login\?next=/)
        const settings = await browser.post(host, '/dashboard/settings?_method=PUT', { name: 'Smuggled' })
        assert.match(settings.headers.location!, /^\/login\?next=/)
      } else {
        const open = await browser.post(host, '/my-blog', {})
        assert.match(open.headers.location!, /^\/login/, 'the main site does not take it either')
      }
    }
    assert.notInclude(await postTitles(bTenant.schemaName), 'Smuggled')
    assert.notInclude(await postTitles(other.schemaName), 'Smuggled')
    const names = await db.from('public.tenants').whereIn('id', [bTenant.id, other.id]).select('name')
    assert.notInclude(names.map((row) => row.name), 'Smuggled')

    // ...while on its own host the same cookie still writes.
    await browser.get(a.domain, '/dashboard/posts/new')
    const own = await browser.post(a.domain, '/dashboard/posts', { title: 'Mine', content: 'x', publish: '1' })
    assert.equal(own.headers.location, '/dashboard')
    assert.include(await postTitles(a.schemaName), 'Mine')
    console.log(`  cross-host cookie replays refused: ${tried} hosts`)
  })

  test('the session id rotates on login, and the pre-login session stays anonymous', async ({ assert }) => {
    const blog = await createBlog(uniqueName('rot'))
    const browser = new Browser()
    await browser.get(blog.domain, '/login')
    const before = browser.jar(blog.domain).get(SESSION_COOKIE)
    assert.isString(before)
    const planted = new Map(browser.jar(blog.domain))

    const login = await browser.post(blog.domain, '/login', { uid: blog.schemaName, password: BLOG_PASSWORD })
    assert.equal(login.headers.location, '/dashboard')
    assert.isTrue([login.headers['set-cookie'] ?? []].flat().some((line) => line.startsWith(`${SESSION_COOKIE}=`)))
    const after = browser.jar(blog.domain).get(SESSION_COOKIE)
    assert.notEqual(after, before)
    assert.equal(await dashboardStatus(browser, blog.domain), 200)

    // Session fixation: whoever knew the pre-login cookies is not logged in with them.
    const fixer = new Browser()
    fixer.jars.set(blog.domain, planted)
    assert.equal(await dashboardStatus(fixer, blog.domain), 302)

    // The main site rotates too.
    const main = new Browser()
    await main.get('localhost', '/login')
    const mainBefore = main.jar('localhost').get(SESSION_COOKIE)
    await main.post('localhost', '/login', { uid: blog.schemaName, password: BLOG_PASSWORD })
    assert.notEqual(main.jar('localhost').get(SESSION_COOKIE), mainBefore)
  })

  test('logging out ends the session in the browser', async ({ assert }) => {
    const blog = await createBlog(uniqueName('out'))
    const browser = new Browser()
    await browser.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    assert.equal(await dashboardStatus(browser, blog.domain), 200)
    const out = await browser.post(blog.domain, '/logout', {})
    assert.equal(out.headers.location, '/')
    assert.equal(await dashboardStatus(browser, blog.domain), 302)
  })

  test('logging out invalidates the old session cookie everywhere', async ({ assert }) => {
    const blog = await createBlog(uniqueName('out_replay'))
    const browser = new Browser()
    await browser.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    const stolen = new Map(browser.jar(blog.domain))
    await browser.get(blog.domain, '/dashboard')
    await browser.post(blog.domain, '/logout', {})

    const thief = new Browser()
    thief.jars.set(blog.domain, stolen)
    assert.equal(await dashboardStatus(thief, blog.domain), 302, 'the copied cookie no longer logs in')

    const again = new Browser()
    await again.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    assert.equal(await dashboardStatus(again, blog.domain), 200, 'a fresh login works')
  })
})

test.group('Passwords', () => {
  test('passwords are stored as salted scrypt hashes', async ({ assert }) => {
    const one = await createBlog(uniqueName('pw_a'))
    const two = await createBlog(uniqueName('pw_b'))
    const rows = await db.from('public.users').whereIn('id', [one.ownerId!, two.ownerId!]).select('password')
    for (const { password } of rows) {
      assert.match(password, /^\$scrypt\$n=16384,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$/)
      assert.notInclude(password, BLOG_PASSWORD)
      assert.isTrue(await hash.use('scrypt').verify(password, BLOG_PASSWORD))
      assert.isFalse(await hash.use('scrypt').verify(password, `${BLOG_PASSWORD}x`))
    }
    assert.notEqual(rows[0].password, rows[1].password, 'same password, different salts')
  })
})

test.group('Refused cross-tenant attempts are logged', (group) => {
  group.each.teardown(() => limiter.clear())

  test('a 403 on another blog is a structured warning with tenant, user, host and no secrets', async ({
    assert,
    cleanup,
  }) => {
    const a = await createBlog(uniqueName('log_a'))
    const b = await createBlog(uniqueName('log_b'), { posts: 1 })
    const [post] = await db.from(`${b.schemaName}.posts`).select('id')

    const captured: { fields: Record<string, unknown>; message: string }[] = []
    const original = Logger.prototype.warn
    Logger.prototype.warn = function (this: Logger, fields: any, message?: any, ...rest: any[]) {
      if (message === CROSS_TENANT_REFUSED) captured.push({ fields, message })
      return original.call(this, fields, message, ...rest)
    }
    cleanup(() => {
      Logger.prototype.warn = original
    })

    const browser = new Browser()
    const login = await browser.login(b.domain, a.schemaName, BLOG_PASSWORD)
    assert.equal(login.headers.location, '/')
    const attempts: [string, string, Record<string, string> | null][] = [
      ['GET', '/dashboard', null],
      ['GET', `/dashboard/posts/${post.id}/edit?token=secret-in-query`, null],
      ['POST', '/dashboard/posts', { title: 'x', content: 'y', password: 'hunter2-secret' }],
      ['POST', `/dashboard/posts/${post.id}?_method=DELETE`, {}],
      ['POST', '/dashboard/settings?_method=PUT', { name: 'Taken over' }],
    ]
    for (const [method, path, fields] of attempts) {
      const reply = method === 'GET' ? await browser.get(b.domain, path) : await browser.post(b.domain, path, fields!)
      assert.equal(reply.status, 403, `${method} ${path}`)
    }
    // Not logged: a visitor sent to log in, and the owner on their own blog.
    await new Browser().get(b.domain, '/dashboard')

    assert.lengthOf(captured, attempts.length)
    const expected = [
      ['GET', '/dashboard'],
      ['GET', `/dashboard/posts/${post.id}/edit`],
      ['POST', '/dashboard/posts'],
      ['DELETE', `/dashboard/posts/${post.id}`],
      ['PUT', '/dashboard/settings'],
    ]
    captured.forEach(({ fields }, index) => {
      assert.containsSubset(fields, {
        event: 'cross_tenant_refused',
        tenantId: b.id,
        userId: a.ownerId,
        host: b.domain,
        method: expected[index][0],
        url: expected[index][1],
      })
    })
    const serialized = JSON.stringify(captured)
    const secrets = [
      ...browser.jar(b.domain).values(),
      browser.csrf.get(b.domain)!,
      BLOG_PASSWORD,
      'hunter2-secret',
      'secret-in-query',
    ]
    for (const secret of secrets) assert.notInclude(serialized, secret)
    assert.notMatch(serialized, /cookie|authorization|_csrf|password/i)
    console.log(`  cross-tenant refusals logged: ${captured.length} of ${attempts.length}`)
  })
})
