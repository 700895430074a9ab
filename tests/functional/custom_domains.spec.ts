import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import { addDomain as addAdminDomain } from '#services/custom_domains'
import { TxtLookup, VERIFY_LIMIT, VERIFY_TIMEOUT_MS } from '#services/domain_verification'
import tenancy from '#tenancy/service'
import { Browser } from '#tests/helpers/browser'
import { untilCached } from '#tests/helpers/page_cache'
import { eventually } from '#tests/helpers/eventually'
import { createBlog, createUser, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

/*
 * DNS as the tests want it: TXT records per name, and names whose lookup takes a while.
 */
class FakeTxtLookup extends TxtLookup {
  records = new Map<string, string[][]>()
  delays = new Map<string, number>()
  lookups: string[] = []

  async resolveTxt(name: string, signal: AbortSignal) {
    this.lookups.push(name)
    const delay = this.delays.get(name)
    if (delay) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delay)
        signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(Object.assign(new Error('cancelled'), { code: 'ECANCELLED' }))
        })
      })
    }
    const records = this.records.get(name)
    if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
    return records
  }
}

type Blog = Awaited<ReturnType<typeof createBlog>>

async function blogOnPlan(prefix: string, plan: 'trial' | 'basic' | 'pro', posts = 1): Promise<Blog> {
  const blog = await createBlog(uniqueName(prefix), { posts })
  await Tenant.query().where('id', blog.id).update({ plan, onTrial: plan === 'trial' })
  tenancy.lifecycle.changed(blog.id)
  return blog
}

async function ownerOf(blog: Blog) {
  const owner = new Browser()
  const login = await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
  if (login.status !== 302) throw new Error(`login failed: ${login.status}`)
  return owner
}

function customName(blog: Blog, label = 'blog') {
  return `${label}.${blog.schemaName.replaceAll('_', '-')}.example.com`
}

async function rowOf(blog: Blog, domain: string) {
  return Domain.query().where('tenant_id', blog.id).where('domain', domain).first()
}

async function addDomain(owner: Browser, blog: Blog, domain: string) {
  await owner.get(blog.domain, '/dashboard/domains')
  return owner.post(blog.domain, '/dashboard/domains', { domain }, { page: '/dashboard/domains' })
}

async function act(owner: Browser, blog: Blog, path: string, method = 'POST') {
  await owner.get(blog.domain, '/dashboard/domains')
  const target = method === 'POST' ? path : `${path}?_method=${method}`
  return owner.post(blog.domain, target, {}, { page: '/dashboard/domains' })
}

test.group('Custom domains', (group) => {
  let dns: FakeTxtLookup
  group.each.setup(() => {
    dns = new FakeTxtLookup()
    app.container.swap(TxtLookup, () => dns)
    return () => app.container.restore(TxtLookup)
  })

  test('a domain is pending until its TXT record holds the token, then serves the blog; primary, redirect, removal', async ({
    assert,
  }) => {
    const blog = await blogOnPlan('dom', 'pro')
    const owner = await ownerOf(blog)
    const domain = customName(blog)
    const reader = new Browser()

    const dashboard = await owner.get(blog.domain, '/dashboard')
    assert.include(dashboard.body, 'href="/dashboard/domains"')

    const added = await addDomain(owner, blog, domain)
    assert.equal(added.status, 302, added.body)
    const row = (await rowOf(blog, domain))!
    assert.isNull(row.verifiedAt)
    assert.match(row.verificationToken!, /^[A-Za-z0-9_-]{32}$/)
    const page = await owner.get(blog.domain, '/dashboard/domains')
    assert.include(page.body, 'Pending verification')
    assert.include(page.body, `<code>_echoblogs.${domain}</code>`)
    assert.include(page.body, `<code>${row.verificationToken}</code>`)
    assert.include(page.body, '>Verify</button>')

    const pending = await reader.get(domain, '/')
    assert.equal(pending.status, 404, 'a pending domain serves nothing')
    assert.include(pending.body, 'No blog here')
    assert.notInclude(pending.body, blog.name)
    assert.notInclude((await reader.get(blog.domain, '/')).body, row.verificationToken!, 'the token is the owner’s only')

    const missing = await act(owner, blog, `/dashboard/domains/${row.id}/verify`)
    assert.equal(missing.status, 422)
    assert.include(missing.body, `No TXT record at _echoblogs.${domain}.`)
    dns.records.set(`_echoblogs.${domain}`, [['google-site-verification=abc'], ['wrong-token']])
    const wrong = await act(owner, blog, `/dashboard/domains/${row.id}/verify`)
    assert.equal(wrong.status, 422)
    assert.include(
      wrong.body,
      `Found: &quot;google-site-verification=abc&quot;, &quot;wrong-token&quot;; expected: &quot;${row.verificationToken}&quot;.`
    )
    assert.isNull((await rowOf(blog, domain))!.verifiedAt, 'still pending')
    assert.equal((await reader.get(domain, '/')).status, 404)

    dns.records.set(`_echoblogs.${domain}`, [['v=spf1 -all'], [row.verificationToken!.slice(0, 10), row.verificationToken!.slice(10)]])
    const verified = await act(owner, blog, `/dashboard/domains/${row.id}/verify`)
    assert.equal(verified.status, 302, verified.body)
    assert.deepEqual(dns.lookups, Array(3).fill(`_echoblogs.${domain}`))
    assert.isNotNull((await rowOf(blog, domain))!.verifiedAt)
    const served = await eventually(() => reader.get(domain, '/posts/post-1?x=1'), (reply) => reply.status === 301)
    assert.equal(served.status, 301, 'an active domain leads to the blog, at its primary domain')
    assert.equal(served.headers.location, `http://${blog.domain}/posts/post-1?x=1`)
    const login = await reader.get(domain, '/login')
    assert.equal(login.status, 200, 'logging in works on every active domain')
    assert.include(login.body, blog.name)
    const listed = await owner.get(blog.domain, '/dashboard/domains')
    assert.include(listed.body, `${domain} is verified and leads to this blog; make it primary to have the blog read there.`)
    assert.include(listed.body, '>Active</span>')
    assert.include(listed.body, '>Make primary</button>')

    // The subdomain's home is in the page cache before the switch: it must not answer for the redirect.
    await untilCached(() => reader.get(blog.domain, '/'), 'the subdomain home page')
    const promoted = await act(owner, blog, `/dashboard/domains/${row.id}/primary`, 'PUT')
    assert.equal(promoted.status, 302)
    const redirected = await eventually(() => reader.get(blog.domain, '/posts/post-1?page=2&utm_source=x'), (reply) => reply.status === 301)
    assert.equal(redirected.status, 301)
    assert.equal(redirected.headers.location, `http://${domain}/posts/post-1?page=2&utm_source=x`)
    const home = await reader.get(blog.domain, '/')
    assert.equal(home.status, 301, 'a cached page never answers for the redirect')
    assert.equal(home.headers.location, `http://${domain}/`)
    assert.equal((await reader.get(blog.domain, '/feed.xml')).status, 301)
    const primaryPage = await reader.get(domain, '/posts/post-1')
    assert.equal(primaryPage.status, 200, 'the primary domain serves the blog')
    assert.include(primaryPage.body, blog.name)
    assert.equal((await reader.get(blog.domain, '/login')).status, 200, 'login stays on every domain')
    const stillThere = await owner.get(blog.domain, '/dashboard/domains')
    assert.equal(stillThere.status, 200, 'the dashboard stays on the subdomain')
    assert.match(stillThere.body, new RegExp(`<strong>${domain.replaceAll('.', '\\.')}</strong>[\\s\\S]*?>Primary</span>`))

    const fromMainSite = await new Browser().login('localhost', blog.schemaName, BLOG_PASSWORD)
    assert.equal(fromMainSite.status, 302)
    assert.match(
      fromMainSite.headers.location!,
      new RegExp(`^http://${blog.domain.replaceAll('.', '\\.')}/auth/handoff\\?token=`),
      'the main site hands the owner to the blog’s own subdomain'
    )
    const ownerThere = new Browser()
    assert.equal((await ownerThere.login(domain, blog.schemaName, BLOG_PASSWORD)).status, 302, 'logging in on the primary')
    assert.equal((await ownerThere.get(domain, '/dashboard/domains')).status, 200, 'the dashboard on the primary')

    const removed = await act(owner, blog, `/dashboard/domains/${row.id}`, 'DELETE')
    assert.equal(removed.status, 302)
    assert.isNull(await rowOf(blog, domain))
    const back = await eventually(() => reader.get(blog.domain, '/'), (reply) => reply.status === 200)
    assert.equal(back.status, 200, 'the subdomain is primary again')
    assert.equal((await reader.get(domain, '/')).status, 404)
    assert.isTrue((await rowOf(blog, blog.domain))!.isPrimary)
    const own = (await rowOf(blog, blog.domain))!
    const keep = await act(owner, blog, `/dashboard/domains/${own.id}`, 'DELETE')
    assert.equal(keep.status, 422)
    assert.include(keep.body, 'is the blog&#x27;s own address; it cannot be removed.')
  }).timeout(60_000)

  test('a plan without custom domains explains itself; the plan limit holds at add', async ({ assert }) => {
    const trial = await blogOnPlan('domtrial', 'trial')
    const owner = await ownerOf(trial)
    const page = await owner.get(trial.domain, '/dashboard/domains')
    assert.equal(page.status, 200)
    assert.include(page.body, 'Custom domains are not part of the Free trial plan; the Basic plan includes this')
    assert.notInclude(page.body, 'Add domain')
    const refused = await owner.post(trial.domain, '/dashboard/domains', { domain: customName(trial) }, { page: '/dashboard/domains' })
    assert.equal(refused.status, 403)
    assert.include(refused.body, 'Custom domains are not part of the Free trial plan')
    assert.equal((await Domain.query().where('tenant_id', trial.id)).length, 1)

    const basic = await blogOnPlan('dombasic', 'basic')
    const basicOwner = await ownerOf(basic)
    const first = await addDomain(basicOwner, basic, customName(basic, 'one'))
    assert.equal(first.status, 302, first.body.match(/field-error[^<]*/)?.[0])
    const over = await addDomain(basicOwner, basic, customName(basic, 'two'))
    assert.equal(over.status, 422)
    assert.include(over.body, 'This blog has reached its limit of 1 custom domains on the Basic plan.')
    assert.include(over.body, `value="${customName(basic, 'two')}"`, 'the form keeps its input')
    assert.isNull(await rowOf(basic, customName(basic, 'two')))

    // An administrator vouching for the pending claim verifies it, within the same limit.
    // Written with the trailing dot of a fully qualified name: the same domain, counted once.
    const vouched = await addAdminDomain(basic.schemaName, `${customName(basic, 'one').toUpperCase()}.`)
    assert.isNotNull(vouched.verifiedAt)
    assert.equal(vouched.domain, customName(basic, 'one'))
    await assert.rejects(() => addAdminDomain(basic.schemaName, customName(basic, 'two')), /reached its limit of 1 custom domain/)
    assert.equal((await Domain.query().where('tenant_id', basic.id)).length, 2)
    const leads = await eventually(() => new Browser().get(customName(basic, 'one'), '/'), (reply) => reply.status === 301)
    assert.equal(leads.headers.location, `http://${basic.domain}/`)
  }).timeout(60_000)

  test('hostile and odd names are refused or normalised; verification decides between claims', async ({ assert }) => {
    const blog = await blogOnPlan('domname', 'pro')
    const owner = await ownerOf(blog)
    const refusals: [string, string][] = [
      ['192.168.1.10', 'Enter a domain name, not an IP address.'],
      ['0x7f.1', 'Enter a domain name, not an IP address.'],
      ['[::1]', 'Enter a domain name like blog.example.com.'],
      ['other.localhost', 'Names under localhost are EchoBlogs&#x27; own'],
      ['localhost', 'Enter a full domain name, like blog.example.com.'],
      ['intranet', 'Enter a full domain name, like blog.example.com.'],
      [`${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(56)}.com`, 'A domain name has at most 253 characters.'],
      [`${'a'.repeat(64)}.example.com`, 'Each part of a domain name (between dots) has at most 63 characters.'],
      ['evil\u0000.example.com', 'Enter a domain name like blog.example.com.'],
      ['under_score.example.com', 'Use letters, digits and hyphens between dots'],
      ['', 'Enter the domain name, like blog.example.com.'],
    ]
    for (const [name, message] of refusals) {
      const reply = await addDomain(owner, blog, name)
      assert.equal(reply.status, 422, JSON.stringify(name))
      assert.include(reply.body, message, `${JSON.stringify(name)}: ${reply.body.match(/field-error[^<]*/)?.[0]}`)
    }
    assert.equal((await Domain.query().where('tenant_id', blog.id)).length, 1, 'nothing was added')

    assert.equal((await addDomain(owner, blog, '  Blog.EXAMPLE-' + blog.id + '.com. ')).status, 302)
    assert.isNotNull(await rowOf(blog, `blog.example-${blog.id}.com`))
    const slug = blog.schemaName.replaceAll('_', '-')
    assert.equal((await addDomain(owner, blog, `Bücher.${slug}.Example`)).status, 302)
    assert.isNotNull(await rowOf(blog, `xn--bcher-kva.${slug}.example`), 'IDN names are kept in punycode')
    const twice = await addDomain(owner, blog, `blog.example-${blog.id}.com`)
    assert.equal(twice.status, 422)
    assert.include(twice.body, 'is already a domain of this blog.')

    // Another blog's pending claim does not block the real owner; verifying drops it.
    const squatter = await blogOnPlan('domsquat', 'pro')
    const squatterOwner = await ownerOf(squatter)
    const contested = customName(blog, 'contested')
    assert.equal((await addDomain(squatterOwner, squatter, contested)).status, 302)
    assert.equal((await addDomain(owner, blog, contested)).status, 302)
    const mine = (await rowOf(blog, contested))!
    const theirs = (await rowOf(squatter, contested))!
    assert.notEqual(mine.verificationToken, theirs.verificationToken)
    dns.records.set(`_echoblogs.${contested}`, [[mine.verificationToken!]])
    assert.equal((await act(owner, blog, `/dashboard/domains/${mine.id}/verify`)).status, 302)
    assert.isNull(await rowOf(squatter, contested), 'the other claim is dropped')
    const late = await addDomain(squatterOwner, squatter, contested)
    assert.equal(late.status, 422)
    assert.include(late.body, `${contested} is already used by another blog.`)
    const served = await eventually(() => new Browser().get(contested, '/'), (reply) => reply.status === 301)
    assert.equal(served.headers.location, `http://${blog.domain}/`, 'the name leads to the blog that proved it')
  }).timeout(60_000)

  test('nobody but the owner touches the page; a blog cannot act on another blog’s domain', async ({ assert }) => {
    const blog = await blogOnPlan('domown', 'pro')
    const owner = await ownerOf(blog)
    await addDomain(owner, blog, customName(blog))
    const row = (await rowOf(blog, customName(blog)))!
    dns.records.set(`_echoblogs.${customName(blog)}`, [[row.verificationToken!]])

    const anonymous = new Browser()
    const visit = await anonymous.get(blog.domain, '/dashboard/domains')
    assert.equal(visit.status, 302)
    assert.match(visit.headers.location!, /^\/login/)

    const stranger = await createUser(uniqueName('domstranger'))
    const intruder = new Browser()
    assert.equal((await intruder.login(blog.domain, stranger.username, BLOG_PASSWORD)).status, 302)
    const page = await intruder.get(blog.domain, '/dashboard/domains')
    assert.equal(page.status, 403)
    assert.notInclude(page.body, row.verificationToken!)
    const verify = await intruder.post(blog.domain, `/dashboard/domains/${row.id}/verify`, {}, { page: '/login' })
    assert.equal(verify.status, 403)
    const remove = await intruder.post(blog.domain, `/dashboard/domains/${row.id}?_method=DELETE`, {}, { page: '/login' })
    assert.equal(remove.status, 403)

    const other = await blogOnPlan('domother', 'pro')
    const otherOwner = await ownerOf(other)
    assert.equal((await act(otherOwner, other, `/dashboard/domains/${row.id}/verify`)).status, 404)
    assert.equal((await act(otherOwner, other, `/dashboard/domains/${row.id}`, 'DELETE')).status, 404)
    assert.equal((await act(otherOwner, other, '/dashboard/domains/99999999999/verify')).status, 404)
    const untouched = (await rowOf(blog, customName(blog)))!
    assert.isNull(untouched.verifiedAt)
    assert.deepEqual(dns.lookups, [], 'no lookup was made for them')
    const exported = await tenancy.transfer.export(blog.schemaName)
    assert.deepEqual(exported.tenant.domains, [{ domain: blog.domain, isPrimary: true }], 'a pending claim is not exported')
  }).timeout(60_000)

  test('a slow DNS answer is cut at the timeout with no connection held, other blogs are served meanwhile; Verify is rate-limited', async ({
    assert,
  }) => {
    const blog = await blogOnPlan('domslow', 'pro')
    const neighbour = await blogOnPlan('domnext', 'basic')
    const owner = await ownerOf(blog)
    const domain = customName(blog)
    await addDomain(owner, blog, domain)
    const row = (await rowOf(blog, domain))!
    dns.records.set(`_echoblogs.${domain}`, [[row.verificationToken!]])
    dns.delays.set(`_echoblogs.${domain}`, 10_000)

    await owner.get(blog.domain, '/dashboard/domains')
    const started = Date.now()
    const slow = owner.post(blog.domain, `/dashboard/domains/${row.id}/verify`, {}, { page: '/dashboard/domains' })
    await new Promise((resolve) => setTimeout(resolve, 500))
    const { rows } = await db.rawQuery(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`
    )
    assert.equal(rows[0].n, 0, 'no transaction is open while the lookup runs')
    const reader = new Browser()
    for (const host of [neighbour.domain, blog.domain]) {
      const before = Date.now()
      const page = await reader.get(host, '/posts/post-1')
      assert.equal(page.status, 200)
      assert.isBelow(Date.now() - before, 1000, `${host} answered meanwhile`)
    }

    const cut = await slow
    const took = Date.now() - started
    assert.equal(cut.status, 422)
    assert.include(cut.body, `The DNS lookup of _echoblogs.${domain} took longer than 3 s; try again in a minute.`)
    assert.isAtLeast(took, VERIFY_TIMEOUT_MS - 50)
    assert.isBelow(took, VERIFY_TIMEOUT_MS + 1500)
    assert.isNull((await rowOf(blog, domain))!.verifiedAt)

    dns.delays.delete(`_echoblogs.${domain}`)
    for (let attempt = 2; attempt <= VERIFY_LIMIT.requests; attempt++) {
      dns.records.set(`_echoblogs.${domain}`, [['not-it']])
      assert.equal((await act(owner, blog, `/dashboard/domains/${row.id}/verify`)).status, 422)
    }
    dns.records.set(`_echoblogs.${domain}`, [[row.verificationToken!]])
    const lookups = dns.lookups.length
    const limited = await act(owner, blog, `/dashboard/domains/${row.id}/verify`)
    assert.equal(limited.status, 429)
    assert.match(limited.body, /Too many verification attempts; try again in \d+ seconds\./)
    assert.isDefined(limited.headers['retry-after'])
    assert.equal(dns.lookups.length, lookups, 'a limited attempt makes no lookup')
    assert.isNull((await rowOf(blog, domain))!.verifiedAt)
  }).timeout(60_000)
})
