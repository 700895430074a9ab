import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import plans from '#config/plans'
import Tenant from '#models/tenant'
import { jsonOutput, runAce } from '#tests/helpers/ace'
import { Browser } from '#tests/helpers/browser'
import { eventually } from '#tests/helpers/eventually'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

const output = (result: { stdout: string; stderr: string }) => result.stdout + result.stderr

interface PlanReport {
  plan: string
  onTrial: boolean
  limits: Record<string, { value: number; own: boolean }>
  features: Record<string, { enabled: boolean; own: boolean }>
}

test.group('Plans and features', () => {
  test('tenants:plan shows and moves a plan and sets limits of its own; bad input changes nothing', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('plan'))
    const shown = jsonOutput<PlanReport>(await runAce(['tenants:plan', blog.schemaName, '--json']))
    assert.equal(shown.plan, 'trial')
    assert.isTrue(shown.onTrial)
    assert.deepEqual(shown.limits.posts, { value: plans.trial.limits.posts, own: false })
    assert.deepEqual(shown.features.customDomains, { enabled: false, own: false })

    const moved = jsonOutput<PlanReport>(
      await runAce(['tenants:plan', blog.schemaName, 'pro', '--limit', 'posts=7', '--limit', 'storageMb=3', '--json'])
    )
    assert.equal(moved.plan, 'pro')
    assert.isFalse(moved.onTrial, 'a paid plan ends the trial')
    assert.deepEqual(moved.limits.posts, { value: 7, own: true })
    assert.deepEqual(moved.limits.storageMb, { value: 3, own: true })
    assert.deepEqual(moved.limits.postChars, { value: plans.pro.limits.postChars, own: false })
    assert.isTrue(moved.features.customDomains.enabled)

    const reset = jsonOutput<PlanReport>(await runAce(['tenants:plan', blog.schemaName, '--reset', 'posts', '--json']))
    assert.deepEqual(reset.limits.posts, { value: plans.pro.limits.posts, own: false })
    const tenant = await Tenant.findOrFail(blog.id)
    assert.deepEqual(tenant.limitOverrides, { storageMb: 3 })

    for (const bad of [['gold'], ['--limit', 'posts=-1'], ['--limit', 'posts=lots'], ['--limit', 'colour=3'], ['--reset', 'colour']]) {
      const refused = await runAce(['tenants:plan', blog.schemaName, ...bad])
      assert.equal(refused.exitCode, 1, bad.join(' '))
      assert.match(output(refused), /Unknown plan|Unknown limit|whole number/)
    }
    const unchanged = await Tenant.findOrFail(blog.id)
    assert.equal(unchanged.plan, 'pro')
    assert.deepEqual(unchanged.limitOverrides, { storageMb: 3 })

    const billing = await runAce(['tenants:billing', blog.schemaName, '--trial', 'on'])
    assert.equal(billing.exitCode, 0, output(billing))
    assert.equal((await Tenant.findOrFail(blog.id)).plan, 'trial', 'a blog put back on its trial is on the trial plan')
    await runAce(['tenants:billing', blog.schemaName, '--trial', 'off'])
    assert.equal((await Tenant.findOrFail(blog.id)).plan, 'basic', 'a trial that ends moves to basic')

    const listed = jsonOutput<{ schema: string; plan: string }[]>(await runAce(['tenants:list', '--json']))
    assert.equal(listed.find((row) => row.schema === blog.schemaName)?.plan, 'basic')
  }).timeout(60_000)

  test('a feature turned off is a page that says why, its links go, and it comes back', async ({ assert }) => {
    const blog = await createBlog(uniqueName('feat'), { posts: 1 })
    const reader = new Browser()
    assert.equal((await reader.get(blog.domain, '/feed.xml')).status, 200)
    assert.include((await reader.get(blog.domain, '/')).body, 'application/atom+xml')

    const off = await runAce(['tenants:features', blog.schemaName, '--disable', 'feed', '--disable', 'sitemap', '--json'])
    assert.equal(off.exitCode, 0, output(off))
    assert.deepEqual(jsonOutput<PlanReport>(off).features.feed, { enabled: false, own: true })
    const feed = await eventually(
      () => reader.get(blog.domain, '/feed.xml'),
      (reply) => reply.status === 404
    )
    assert.equal(feed.status, 404)
    assert.include(feed.body, 'The Atom feed is turned off for this blog by EchoBlogs support.')
    assert.equal((await reader.get(blog.domain, '/sitemap.xml')).status, 404)
    assert.equal((await reader.get(blog.domain, '/sitemaps/posts-1.xml')).status, 404)
    const home = await reader.get(blog.domain, '/')
    assert.notInclude(home.body, 'application/atom+xml', 'no autodiscovery link to a feed that is not there')
    assert.notInclude(home.body, '/feed.xml')

    const planOff = await createBlog(uniqueName('feat_plan'))
    await db.from('public.tenants').where('id', planOff.id).update({ plan: 'trial' })
    assert.equal((await runAce(['tenants:features', planOff.schemaName, '--enable', 'customDomains'])).exitCode, 0)
    const domain = `${planOff.schemaName.replaceAll('_', '-')}.example.test`
    const added = await runAce(['tenants:domains:add', planOff.schemaName, domain])
    assert.equal(added.exitCode, 1, 'the feature is on, but the trial allows no custom domain')
    assert.include(output(added), 'This blog has reached its limit of 0 custom domains on the Free trial plan')
    await runAce(['tenants:plan', planOff.schemaName, '--limit', 'customDomains=1'])
    assert.equal((await runAce(['tenants:domains:add', planOff.schemaName, domain])).exitCode, 0)
    const second = await runAce(['tenants:domains:add', planOff.schemaName, `www.${domain}`])
    assert.include(output(second), 'limit of 1 custom domains set for this blog')

    const bad = await runAce(['tenants:features', blog.schemaName, '--enable', 'teleport'])
    assert.equal(bad.exitCode, 1)
    assert.match(output(bad), /Unknown feature "teleport"/)
    const twice = await runAce(['tenants:features', blog.schemaName, '--enable', 'feed', '--disable', 'feed'])
    assert.equal(twice.exitCode, 1)

    assert.equal((await runAce(['tenants:features', blog.schemaName, '--reset', 'feed'])).exitCode, 0)
    const back = await eventually(
      () => reader.get(blog.domain, '/feed.xml'),
      (reply) => reply.status === 200
    )
    assert.equal(back.status, 200)
    assert.equal((await reader.get(blog.domain, '/sitemap.xml')).status, 404, 'only the feed was reset')
  }).timeout(60_000)

  test("a blog's own rate of uncached pages runs out for that blog alone", async ({ assert }) => {
    const limited = await createBlog(uniqueName('rate'))
    const other = await createBlog(uniqueName('rate_other'))
    assert.equal((await runAce(['tenants:plan', limited.schemaName, '--limit', 'requestsPerMinute=5'])).exitCode, 0)
    const reader = new Browser()
    const first = await eventually(
      async () => {
        const statuses = []
        for (let i = 0; i < 8; i++) statuses.push((await reader.get(limited.domain, `/posts/missing-${i}`)).status)
        return statuses
      },
      (statuses) => statuses.includes(429)
    )
    assert.include(first, 429)
    const refused = await reader.get(limited.domain, '/posts/missing-again')
    assert.equal(refused.status, 429)
    assert.isAbove(Number(refused.headers['retry-after']), 0)
    for (let i = 0; i < 8; i++) {
      assert.equal((await reader.get(other.domain, `/posts/missing-${i}`)).status, 404, 'another blog is not limited')
    }
  }).timeout(60_000)

  test('the storage limit refuses a new post with a page that names it; lifted, the post saves', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('storage'))
    await runAce(['tenants:plan', blog.schemaName, '--limit', 'storageMb=0'])
    const owner = new Browser()
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    const refused = await eventually(
      async () => {
        await owner.get(blog.domain, '/dashboard')
        return owner.post(blog.domain, '/dashboard/posts', { title: 'Too big', content: 'words' })
      },
      (reply) => reply.status === 403
    )
    assert.equal(refused.status, 403)
    assert.include(refused.body, 'This blog has reached its limit of 0 MB of storage set for this blog.')
    const { rows } = await db.rawQuery(`select count(*)::int as n from "${blog.schemaName}".posts`)
    assert.equal(rows[0].n, 0, 'nothing was saved')

    await runAce(['tenants:plan', blog.schemaName, '--reset', 'storageMb'])
    const saved = await eventually(
      async () => {
        await owner.get(blog.domain, '/dashboard')
        return owner.post(blog.domain, '/dashboard/posts', { title: 'Fits now', content: 'words' })
      },
      (reply) => reply.status === 302
    )
    assert.equal(saved.status, 302)
  }).timeout(60_000)
})
