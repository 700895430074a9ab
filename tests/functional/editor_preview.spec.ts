import { test } from '@japa/runner'
import blogConfig from '#config/blog'
import Post from '#models/post'
import { changePlan } from '#services/plan_admin'
import { PostRenderer, RenderRefused } from '#services/post_renderer'
import { withTenant } from '#tenancy/tenant_scope'
import { Browser, ownerOf } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

type Blog = Awaited<ReturnType<typeof createBlog>>

const MARKDOWN = '# Harbour notes\n\nThe **tide** turned at *dawn*; [charts](https://example.com) and <script>alert(1)</script> well-known words.'

function previewJson(owner: Browser, blog: Blog, content: string, path = '/dashboard/posts/preview') {
  return owner.post(blog.domain, path, { content }, { headers: { accept: 'application/json' } })
}

test.group('The editor\'s preview', () => {
  test('renders exactly what saving stores, counts words, and saves nothing', async ({ assert }) => {
    const blog = await createBlog(uniqueName('preview'))
    const owner = await ownerOf(blog)
    const reply = await previewJson(owner, blog, MARKDOWN)
    assert.equal(reply.status, 200)
    const preview = JSON.parse(reply.body)
    assert.equal(preview.words, '11 words')
    assert.notInclude(preview.html, '<script>')
    assert.equal(await withTenant(blog, () => Post.query().count('* as total').first()).then((row) => Number(row!.$extras.total)), 0)

    await owner.post(blog.domain, '/dashboard/posts', { title: 'Harbour', content: MARKDOWN, publish: '1' })
    const saved = await withTenant(blog, () => Post.findByOrFail('slug', 'harbour'))
    assert.equal(preview.html, saved.html, 'the preview is the published page\'s HTML')

    const empty = JSON.parse((await previewJson(owner, blog, '   ')).body)
    assert.deepEqual(empty, { html: '', words: '0 words' })
  }).timeout(30_000)

  test('without scripts, the Preview button shows the editor again with everything typed and the preview', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('preview_nojs'))
    const owner = await ownerOf(blog)
    const page = await owner.post(blog.domain, '/dashboard/posts/preview', {
      title: 'Kept "title"',
      content: MARKDOWN,
      tags: 'sea, notes',
      publish: '1',
      publish_at: '2030-01-01T09:00',
    })
    assert.equal(page.status, 200)
    assert.include(page.body, 'value="Kept &quot;title&quot;"')
    assert.include(page.body, 'value="sea, notes"')
    assert.include(page.body, 'value="2030-01-01T09:00"')
    assert.match(page.body, /name="publish" value="1" checked/)
    assert.include(page.body, '<strong>tide</strong>')
    assert.include(page.body, '<p class="hint" id="word-count">11 words</p>')
    assert.include(page.body, 'action="/dashboard/posts"', 'the form still saves a new post')
    assert.include(page.body, 'data-fresh="true"')

    await owner.post(blog.domain, '/dashboard/posts', { title: 'Draft', content: 'first' })
    const saved = await withTenant(blog, () => Post.findByOrFail('slug', 'draft'))
    const edit = await owner.get(blog.domain, `/dashboard/posts/${saved.id}/edit`)
    assert.include(edit.body, `formaction="/dashboard/posts/${saved.id}/preview"`)
    assert.include(edit.body, '<p class="hint" id="word-count"></p>')
    const again = await owner.post(blog.domain, `/dashboard/posts/${saved.id}/preview`, { title: 'Draft', content: 'second take' })
    assert.include(again.body, `action="/dashboard/posts/${saved.id}?_method=PUT"`)
    assert.include(again.body, '<p>second take</p>')
    assert.equal((await withTenant(blog, () => Post.findOrFail(saved.id))).content, 'first', 'a preview saves nothing')
  }).timeout(30_000)

  test('refuses what saving would refuse, and only for the owner', async ({ assert }) => {
    const blog = await createBlog(uniqueName('preview_bad'))
    const owner = await ownerOf(blog)
    await changePlan(blog.schemaName, { limits: { postChars: 50 } })
    let long = await previewJson(owner, blog, 'x'.repeat(60))
    for (let i = 0; i < 40 && long.status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      long = await previewJson(owner, blog, 'x'.repeat(60))
    }
    assert.equal(long.status, 422)
    assert.include(JSON.parse(long.body).errors[0].message, "this blog's plan allows 50")
    assert.equal((await previewJson(owner, blog, 'nul\u0000')).status, 422)

    const stranger = new Browser()
    const anonymous = await stranger.post(blog.domain, '/dashboard/posts/preview', { content: 'hi' }, { csrf: false })
    assert.notEqual(anonymous.status, 200)
    const other = await createBlog(uniqueName('preview_other'))
    const otherOwner = await ownerOf(other)
    const crossed = await otherOwner.post(blog.domain, '/dashboard/posts/preview', { content: 'hi' }, { page: '/login', headers: { accept: 'application/json' } })
    assert.notEqual(crossed.status, 200)
  }).timeout(30_000)

  test('a blog asking for too many previews is paused alone', async ({ assert }) => {
    const blog = await createBlog(uniqueName('preview_rate'))
    const other = await createBlog(uniqueName('preview_calm'))
    const owner = await ownerOf(blog)
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await previewJson(owner, blog, '')).status)
    assert.deepEqual(statuses.slice(0, 60), Array(60).fill(200))
    assert.equal(statuses[60], 429)
    const paused = await previewJson(owner, blog, '')
    assert.isAbove(Number(paused.headers['retry-after']), 0)
    assert.include(JSON.parse(paused.body).errors[0].message, 'The preview is paused')
    assert.equal((await previewJson(await ownerOf(other), other, 'calm')).status, 200, 'another blog previews as usual')
  }).timeout(60_000)

  test('previews only get a quarter of the renderer\'s queue: saves keep the rest', async ({ assert }) => {
    const renderer = new PostRenderer({ ...blogConfig.markdown, queueLimit: 8 })
    try {
      const accepted = [renderer.preview('one'), renderer.preview('two'), renderer.preview('three')]
      await assert.rejects(() => renderer.preview('four'), RenderRefused)
      const saved = renderer.render('**saved**')
      assert.lengthOf(await Promise.all(accepted), 3)
      assert.include((await saved).html, '<strong>saved</strong>')
    } finally {
      await renderer.stop()
    }
  }).timeout(30_000)
})
