/*
 * No page costs more than a bounded amount of work: the dashboard and the sitemap come in
 * pages, the feed has a size limit, and a blog's plan limits how much it holds.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import blogConfig from '#config/blog'
import plans from '#config/plans'
import { Browser } from '#tests/helpers/browser'
import { runAce } from '#tests/helpers/ace'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

async function addPosts(blog: { schemaName: string; ownerId: number | null }, count: number, htmlBytes = 40) {
  await db.rawQuery(
    `insert into ${blog.schemaName}.posts (title, slug, content, html, excerpt, author_id, is_published, published_at, created_at)
     select 'Bulk ' || i, 'bulk-' || i, 'text', '<p>' || repeat('h', ?) || '</p>', 'text', ?, true,
            now() - (i || ' seconds')::interval, now()
       from generate_series(1, ?) i`,
    [htmlBytes, blog.ownerId, count]
  )
}

test.group('Bounded pages', () => {
  test('the dashboard lists posts a page at a time', async ({ assert }) => {
    const blog = await createBlog(uniqueName('dash'))
    await addPosts(blog, 60)
    const owner = new Browser()
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    const rows = (html: string) => (html.match(/<tr>\s*<td><a href="\/posts\//g) ?? []).length
    const first = await owner.get(blog.domain, '/dashboard')
    assert.equal(rows(first.body), blogConfig.dashboardPostsPerPage)
    assert.include(first.body, 'href="/dashboard?page=2"')
    const last = await owner.get(blog.domain, '/dashboard?page=3')
    assert.equal(rows(last.body), 60 - 2 * blogConfig.dashboardPostsPerPage)
    assert.notInclude(last.body, 'href="/dashboard?page=4"')
  })

  test('the sitemap is an index of child sitemaps of at most 1,000 posts', async ({ assert }) => {
    const blog = await createBlog(uniqueName('smap'))
    await addPosts(blog, 2500)
    const reader = new Browser()
    const index = await reader.get(blog.domain, '/sitemap.xml')
    assert.equal((index.body.match(/<sitemap>/g) ?? []).length, 3)
    const urls = async (n: number) => {
      const child = await reader.get(blog.domain, `/sitemaps/posts-${n}.xml`)
      return { status: child.status, count: (child.body.match(/<url>/g) ?? []).length, body: child.body }
    }
    const first = await urls(1)
    assert.equal(first.count, 1001, 'the home page and the first 1,000 posts')
    assert.include(first.body, `<loc>http://${blog.domain}/</loc>`)
    assert.equal((await urls(3)).count, 500)
    assert.equal((await urls(4)).status, 404)
  }).timeout(60_000)

  test('the feed stays under its size limit: later entries carry their excerpt', async ({ assert }) => {
    const blog = await createBlog(uniqueName('bigfeed'))
    await addPosts(blog, 20, 60_000)
    const feed = await new Browser().get(blog.domain, '/feed.xml')
    assert.equal((feed.body.match(/<entry>/g) ?? []).length, 20)
    assert.isBelow(feed.body.length, blogConfig.feedMaxBytes + 20_000)
    assert.include(feed.body, '<content type="html">')
    assert.include(feed.body, '<summary type="text">text</summary>')
  })

  test("a blog at its plan's post limit is told which limit and how to lift it; an administrator lifts it", async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('limit'))
    const limit = plans.trial.limits.posts
    await addPosts(blog, limit)
    const owner = new Browser()
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    await owner.get(blog.domain, '/dashboard')

    const form = await owner.get(blog.domain, '/dashboard/posts/new')
    assert.equal(form.status, 403)
    assert.include(form.body, `This blog has reached its limit of ${limit} posts on the Free trial plan.`)
    assert.include(form.body, `the Basic plan allows ${plans.basic.limits.posts.toLocaleString('en')}`)
    const refused = await owner.post(blog.domain, '/dashboard/posts', { title: 'One more', content: 'x' })
    assert.equal(refused.status, 403)
    const { rows } = await db.rawQuery(`select count(*)::int as n from ${blog.schemaName}.posts`)
    assert.equal(rows[0].n, limit)

    const lifted = await runAce(['tenants:plan', blog.schemaName, '--limit', `posts=${limit + 10}`, '--json'])
    assert.equal(lifted.exitCode, 0, lifted.stdout + lifted.stderr)
    let created = await owner.post(blog.domain, '/dashboard/posts', { title: 'One more', content: 'x' })
    for (let attempt = 0; created.status === 403 && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      created = await owner.post(blog.domain, '/dashboard/posts', { title: 'One more', content: 'x' })
    }
    assert.equal(created.status, 302, 'the new limit reaches the server through the tenancy notifications')
  }).timeout(60_000)
})
