import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import blogConfig from '#config/blog'
import Post from '#models/post'
import tenancy from '#tenancy/service'
import { withTenant } from '#tenancy/tenant_scope'
import { setPostTags } from '#services/tags'
import { splitTags } from '#services/tag_names'
import { Browser, ownerOf, reader } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

type Blog = Awaited<ReturnType<typeof createBlog>>



async function write(owner: Browser, blog: Blog, title: string, tags: string, extra: Record<string, string> = { publish: '1' }) {
  const response = await owner.post(blog.domain, '/dashboard/posts', { title, content: `${title} text`, tags, ...extra })
  if (response.status !== 302) throw new Error(`${title}: ${response.status} ${response.body.slice(0, 500)}`)
}

test.group('Tags', () => {
  test('a tag page and feed list the published posts carrying it, in this blog only', async ({ assert }) => {
    const blog = await createBlog(uniqueName('tags'))
    const other = await createBlog(uniqueName('tags_other'))
    const owner = await ownerOf(blog)
    await write(owner, blog, 'Alpha', 'Night Sky, astronomy, Astronomy')
    await write(owner, blog, 'Beta', 'astronomy')
    await write(owner, blog, 'Gamma', 'secret plan', {})
    await write(owner, blog, 'Delta', 'astronomy', { publish: '1', publish_at: DateTime.now().plus({ days: 1 }).toUTC().toFormat("yyyy-MM-dd'T'HH:mm") })
    const otherOwner = await ownerOf(other)
    await write(otherOwner, other, 'Elsewhere', 'astronomy')

    const visitor = reader()
    const post = await visitor.get(blog.domain, '/posts/alpha')
    assert.match(post.body, /<a rel="tag" href="\/tags\/astronomy">astronomy<\/a>/)
    assert.match(post.body, /<a rel="tag" href="\/tags\/night-sky">Night Sky<\/a>/)
    assert.lengthOf(post.body.match(/rel="tag"/g)!, 2, 'a tag typed twice in two spellings is one tag')

    const page = await visitor.get(blog.domain, '/tags/astronomy')
    assert.equal(page.status, 200)
    assert.include(page.body, 'Posts tagged “astronomy”')
    assert.include(page.body, '/posts/alpha')
    assert.include(page.body, '/posts/beta')
    assert.notInclude(page.body, 'Delta', 'a scheduled post is not listed before its time')
    assert.notInclude(page.body, 'Elsewhere', "another blog's post with the same tag is not listed")
    assert.include(page.body, 'href="/tags/astronomy/feed.xml"')
    assert.equal((await visitor.get(blog.domain, '/tags/astronomy')).headers['x-page-cache'], 'hit')

    const feed = await visitor.get(blog.domain, '/tags/astronomy/feed.xml')
    assert.equal(feed.status, 200)
    assert.include(feed.headers['content-type'], 'application/atom+xml')
    assert.include(feed.body, `<title type="text">Blog ${blog.schemaName}: astronomy</title>`)
    assert.include(feed.body, `<link rel="self" type="application/atom+xml" href="http://${blog.domain}/tags/astronomy/feed.xml"/>`)
    assert.include(feed.body, '<title type="text">Alpha</title>')
    assert.include(feed.body, '<title type="text">Beta</title>')
    assert.notInclude(feed.body, 'Delta')

    assert.equal((await visitor.get(blog.domain, '/tags/secret-plan')).status, 404, 'a tag only a draft carries has no page')
    assert.equal((await visitor.get(blog.domain, '/tags/secret-plan/feed.xml')).status, 404)
    assert.equal((await visitor.get(other.domain, '/tags/night-sky')).status, 404)
    for (const path of ['/tags/Astronomy', '/tags/a--b', '/tags/%00', '/tags/' + 'a'.repeat(61), "/tags/x'%20or%201=1"]) {
      assert.equal((await visitor.get(blog.domain, path)).status, 404, path)
    }
  }).timeout(30_000)

  test('the editor shows and changes a post\'s tags, and offers the blog\'s tags', async ({ assert }) => {
    const blog = await createBlog(uniqueName('tags_edit'))
    const owner = await ownerOf(blog)
    await write(owner, blog, 'Alpha', 'Night Sky, astronomy')
    const dashboard = await owner.get(blog.domain, '/dashboard')
    const id = /\/dashboard\/posts\/(\d+)\/edit/.exec(dashboard.body)![1]
    const editor = await owner.get(blog.domain, `/dashboard/posts/${id}/edit`)
    assert.include(editor.body, 'value="astronomy, Night Sky"')
    assert.match(editor.body, /<datalist id="field-tags-suggestions">\s*<option value="astronomy"><\/option>\s*<option value="Night Sky"><\/option>/)

    const visitor = reader()
    assert.equal((await visitor.get(blog.domain, '/tags/night-sky')).status, 200)
    const saved = await owner.post(blog.domain, `/dashboard/posts/${id}?_method=PUT`, { title: 'Alpha', content: 'Alpha text', tags: 'astronomy', publish: '1' })
    assert.equal(saved.status, 302)
    assert.equal((await visitor.get(blog.domain, '/tags/night-sky')).status, 404, 'the removed tag lost its page at once')
    assert.notInclude((await visitor.get(blog.domain, '/posts/alpha')).body, 'Night Sky')
    assert.include((await owner.get(blog.domain, `/dashboard/posts/${id}/edit`)).body, 'value="astronomy"')
  }).timeout(30_000)

  test('bad tags are refused with everything kept; markup in a tag is text', async ({ assert }) => {
    const blog = await createBlog(uniqueName('tags_bad'))
    const owner = await ownerOf(blog)
    const eleven = Array.from({ length: 11 }, (_, i) => `tag${i}`).join(', ')
    for (const [tags, message] of [
      [eleven, 'Use at most 10 tags'],
      ['fine, ' + 'x'.repeat(51), 'a tag has at most 50 characters'],
      ['fine, !!!', '“!!!” needs a Latin letter or a digit'],
      ['日本', '“日本” needs a Latin letter or a digit'],
      ['nul\u0000byte', 'This field'],
      ['a,'.repeat(600), 'Use at most 1000 characters for the tags'],
    ] as const) {
      const refused = await owner.post(blog.domain, '/dashboard/posts', { title: 'Kept title', content: 'kept', tags, publish: '1' })
      assert.equal(refused.status, 422, tags.slice(0, 40))
      assert.include(refused.body, message)
      assert.include(refused.body, 'value="Kept title"')
    }
    await write(owner, blog, 'Markup', '<b>bold</b>, "quoted"')
    const post = await reader().get(blog.domain, '/posts/markup')
    assert.include(post.body, '<a rel="tag" href="/tags/b-bold-b">&lt;b&gt;bold&lt;/b&gt;</a>')
    assert.include(post.body, '<a rel="tag" href="/tags/quoted">&quot;quoted&quot;</a>')
    assert.notInclude(post.body, '<b>bold</b>')
  }).timeout(30_000)

  test('a tag page is paged like the home page, each page stored under its own key', async ({ assert }) => {
    const blog = await createBlog(uniqueName('tags_pages'))
    const perPage = blogConfig.postsPerPage
    await withTenant(blog, async () => {
      for (let i = 1; i <= perPage + 2; i++) {
        const post = await Post.create({
          title: `Many ${i}`,
          slug: `many-${i}`,
          content: 'text',
          authorId: blog.ownerId!,
          isPublished: true,
          publishedAt: DateTime.now().minus({ minutes: 100 - i }),
        })
        await setPostTags(post.id, splitTags('many'))
      }
    })
    const visitor = reader()
    const first = await visitor.get(blog.domain, '/tags/many')
    assert.include(first.body, `Many ${perPage + 2}<`)
    assert.notInclude(first.body, 'Many 1<')
    assert.include(first.body, 'href="/tags/many?page=2"')
    const second = await visitor.get(blog.domain, '/tags/many?page=2')
    assert.include(second.body, 'Many 1<')
    assert.include(second.body, 'Many 2<')
    assert.notInclude(second.body, `Many ${perPage + 2}<`)
    assert.include((await visitor.get(blog.domain, '/tags/many?page=2')).body, 'Many 1<', 'page 2 from memory is page 2')
    assert.equal((await visitor.get(blog.domain, '/tags/many?page=3')).status, 404)
  }).timeout(30_000)

  test('tags travel with an export and come back with its import', async ({ assert }) => {
    const blog = await createBlog(uniqueName('tags_move'))
    const owner = await ownerOf(blog)
    await write(owner, blog, 'Alpha', 'Night Sky, astronomy')
    const exported = await tenancy.transfer.export(blog.schemaName)
    assert.deepEqual(exported.posts[0].tags, ['astronomy', 'Night Sky'])
    const copy = uniqueName('tags_copy')
    const { domain } = await tenancy.transfer.import(exported, { as: copy })
    const page = await reader().get(domain, '/tags/night-sky')
    assert.equal(page.status, 200)
    assert.include(page.body, '/posts/alpha')
    const malformed = structuredClone(exported)
    malformed.posts[0].tags = ['x'.repeat(51)]
    await assert.rejects(() => tenancy.transfer.import(malformed, { as: uniqueName('tags_bad_copy') }), /malformed/)
  }).timeout(30_000)
})
