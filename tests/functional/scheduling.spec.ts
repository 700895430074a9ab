import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Browser, ownerOf } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'


const utc = (at: DateTime) => at.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss")

test.group('Scheduled posts', () => {
  test('a post scheduled for later appears on its own when due: pages, feed, sitemap and search', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('sched'), { posts: 1 })
    const owner = await ownerOf(blog)
    const due = DateTime.now().plus({ seconds: 4 })
    const scheduled = await owner.post(blog.domain, '/dashboard/posts', {
      title: 'Comet tonight',
      content: 'Look up after midnight.',
      publish: '1',
      publish_at: utc(due),
    })
    assert.equal(scheduled.status, 302)
    const dashboard = await owner.get(blog.domain, '/dashboard')
    assert.include(dashboard.body, `Scheduled “Comet tonight” for ${due.toUTC().toFormat('yyyy-MM-dd HH:mm')} UTC.`)
    assert.match(dashboard.body, /Comet tonight<\/a><\/td>\s*<td>\s*<span class="badge badge-draft">Scheduled<\/span>/)
    assert.include((await owner.get(blog.domain, '/posts/comet-tonight')).body, 'Scheduled for')

    const reader = new Browser()
    reader.keepCookies = false
    const pages = () =>
      Promise.all([
        reader.get(blog.domain, '/'),
        reader.get(blog.domain, '/posts/comet-tonight'),
        reader.get(blog.domain, '/feed.xml'),
        reader.get(blog.domain, '/sitemaps/posts-1.xml'),
        reader.get(blog.domain, '/search?q=comet'),
      ])
    const [home, post, feed, sitemap, search] = await pages()
    assert.notInclude(home.body, 'Comet tonight')
    assert.equal(post.status, 404)
    assert.notInclude(feed.body, 'Comet tonight')
    assert.notInclude(sitemap.body, 'comet-tonight')
    assert.include(search.body, 'No post matches.')
    assert.equal((await reader.get(blog.domain, '/')).headers['x-page-cache'], 'hit', 'the home page is served from memory meanwhile')

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due.diffNow().milliseconds) + 200))
    const [homeAfter, postAfter, feedAfter, sitemapAfter, searchAfter] = await pages()
    assert.include(homeAfter.body, 'Comet tonight', 'the stored home page ended when the post was due')
    assert.equal(postAfter.status, 200)
    assert.include(feedAfter.body, 'Comet tonight')
    assert.include(sitemapAfter.body, 'comet-tonight')
    assert.include(searchAfter.body, 'Comet tonight')
  }).timeout(30_000)

  test('a time needs Published, must be a real moment, and an empty time publishes a scheduled post now', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('sched_form'))
    const owner = await ownerOf(blog)
    const later = utc(DateTime.now().plus({ days: 2 }))
    for (const [fields, message] of [
      [{ publish_at: later }, 'Tick &quot;Published&quot; to publish at this time'],
      [{ publish: '1', publish_at: '2027-13-45T99:99' }, 'Give a date and time within ten years'],
      [{ publish: '1', publish_at: '2099-01-01T00:00' }, 'Give a date and time within ten years'],
      [{ publish: '1', publish_at: 'tomorrow' }, 'Give a date and time such as'],
    ] as const) {
      const refused = await owner.post(blog.domain, '/dashboard/posts', { title: 'Kept title', content: 'kept', ...fields })
      assert.equal(refused.status, 422, JSON.stringify(fields))
      assert.include(refused.body, message)
      assert.include(refused.body, 'value="Kept title"')
    }

    await owner.post(blog.domain, '/dashboard/posts', { title: 'Later', content: 'x', publish: '1', publish_at: later })
    const editor = await owner.get(blog.domain, '/dashboard')
    const edit = /href="(\/dashboard\/posts\/\d+\/edit)"/.exec(editor.body)![1]
    const form = await owner.get(blog.domain, edit)
    assert.include(form.body, `value="${later}"`, 'the editor shows the time it is scheduled for')
    assert.include(form.body, 'name="title" value="Later"')
    assert.match(form.body, /name="content"[^>]*>x<\/textarea>/)
    const now = await owner.post(blog.domain, `${edit.replace('/edit', '')}?_method=PUT`, { title: 'Later', content: 'x', publish: '1' })
    assert.equal(now.status, 302)
    const reader = new Browser()
    reader.keepCookies = false
    assert.equal((await reader.get(blog.domain, '/posts/later')).status, 200, 'published at once')
  }).timeout(30_000)
})
