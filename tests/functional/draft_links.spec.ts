import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Post from '#models/post'
import { withTenant } from '#tenancy/tenant_scope'
import { Browser, ownerOf, reader } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

type Blog = Awaited<ReturnType<typeof createBlog>>


async function draftOf(blog: Blog, owner: Browser, title: string, fields: Record<string, string> = {}) {
  await owner.post(blog.domain, '/dashboard/posts', { title, content: `${title} body`, ...fields })
  return withTenant(blog, () => Post.findByOrFail('title', title))
}

function linkOn(page: string) {
  return /value="http:\/\/[^/"]+(\/preview\/[A-Za-z0-9_-]{43})"/.exec(page)?.[1] ?? null
}

test.group('Private preview links of drafts', () => {
  test('the owner shares a draft by link, makes a new one, revokes it; readers of the link see the draft only', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('drafts'))
    const owner = await ownerOf(blog)
    const draft = await draftOf(blog, owner, 'Secret plans')
    const editor = await owner.get(blog.domain, `/dashboard/posts/${draft.id}/edit`)
    assert.include(editor.body, 'Create a preview link')
    assert.isNull(linkOn(editor.body))

    const made = await owner.post(blog.domain, `/dashboard/posts/${draft.id}/preview-link`, {})
    assert.equal(made.status, 302)
    const withLink = await owner.get(blog.domain, `/dashboard/posts/${draft.id}/edit`)
    assert.include(withLink.body, 'Made a new preview link for “Secret plans”')
    const link = linkOn(withLink.body)!
    assert.isNotNull(link)

    const visitor = reader()
    const shared = await visitor.get(blog.domain, link)
    assert.equal(shared.status, 200)
    assert.include(shared.body, 'Secret plans body')
    assert.include(shared.body, 'Preview: this post is not published yet.')
    assert.equal(shared.headers['x-robots-tag'], 'noindex, nofollow')
    assert.equal(shared.headers['referrer-policy'], 'no-referrer')
    assert.include(shared.headers['cache-control'], 'no-store')
    assert.isUndefined(shared.headers['x-page-cache'])
    assert.equal((await visitor.get(blog.domain, '/posts/secret-plans')).status, 404, 'the draft stays unlisted')
    assert.notInclude((await visitor.get(blog.domain, '/')).body, 'Secret plans')

    const other = await createBlog(uniqueName('drafts_other'))
    assert.equal((await visitor.get(other.domain, link)).status, 404, "another blog's host does not know the link")

    await owner.post(blog.domain, `/dashboard/posts/${draft.id}/preview-link`, {})
    const renewed = linkOn((await owner.get(blog.domain, `/dashboard/posts/${draft.id}/edit`)).body)!
    assert.notEqual(renewed, link)
    assert.equal((await visitor.get(blog.domain, link)).status, 404, 'a new link ends the old one')
    assert.equal((await visitor.get(blog.domain, renewed)).status, 200)

    await owner.post(blog.domain, `/dashboard/posts/${draft.id}/preview-link?_method=DELETE`, {})
    const revoked = await owner.get(blog.domain, `/dashboard/posts/${draft.id}/edit`)
    assert.include(revoked.body, 'Revoked the preview link of “Secret plans”.')
    assert.isNull(linkOn(revoked.body))
    assert.equal((await visitor.get(blog.domain, renewed)).status, 404)
  }).timeout(30_000)

  test('a scheduled post can be shared; once out, its link leads to its page and the editor offers none', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('drafts_out'))
    const owner = await ownerOf(blog)
    const later = DateTime.now().plus({ days: 1 }).toUTC().toFormat("yyyy-MM-dd'T'HH:mm")
    const post = await draftOf(blog, owner, 'Launch', { publish: '1', publish_at: later })
    await owner.post(blog.domain, `/dashboard/posts/${post.id}/preview-link`, {})
    const link = linkOn((await owner.get(blog.domain, `/dashboard/posts/${post.id}/edit`)).body)!
    assert.equal((await reader().get(blog.domain, link)).status, 200)

    await owner.post(blog.domain, `/dashboard/posts/${post.id}?_method=PUT`, { title: 'Launch', content: 'Launch body', publish: '1' })
    const out = await reader().get(blog.domain, link)
    assert.equal(out.status, 302)
    assert.equal(out.headers.location, '/posts/launch')
    const editor = await owner.get(blog.domain, `/dashboard/posts/${post.id}/edit`)
    assert.notInclude(editor.body, 'Private preview link')
  }).timeout(30_000)

  test('guessed, malformed and foreign requests get nothing', async ({ assert }) => {
    const blog = await createBlog(uniqueName('drafts_guess'))
    const owner = await ownerOf(blog)
    const draft = await draftOf(blog, owner, 'Hidden')
    await owner.post(blog.domain, `/dashboard/posts/${draft.id}/preview-link`, {})
    const visitor = reader()
    for (const token of ['A'.repeat(43), 'A'.repeat(42), 'A'.repeat(44), 'A'.repeat(42) + '.', '%00'.repeat(15), encodeURIComponent("x' or 1=1 --")]) {
      assert.equal((await visitor.get(blog.domain, `/preview/${token}`)).status, 404, token)
    }
    const token = (await withTenant(blog, () => Post.findOrFail(draft.id))).previewToken
    const stranger = await ownerOf(await createBlog(uniqueName('drafts_stranger')))
    const refused = await stranger.post(blog.domain, `/dashboard/posts/${draft.id}/preview-link`, {})
    assert.oneOf(refused.status, [302, 403])
    assert.equal((await withTenant(blog, () => Post.findOrFail(draft.id))).previewToken, token, "another blog's owner makes no link")
    const anonymous = await new Browser().post(blog.domain, `/dashboard/posts/${draft.id}/preview-link?_method=DELETE`, {})
    assert.notEqual(anonymous.status, 200)
    assert.equal((await withTenant(blog, () => Post.findOrFail(draft.id))).previewToken, token, 'nobody but the owner revokes it')
    assert.equal((await owner.post(blog.domain, '/dashboard/posts/99999999999/preview-link', {})).status, 404)
  }).timeout(30_000)
})
