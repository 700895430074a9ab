import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { Visitor, logInOn } from '#tests/helpers/visitor'

async function ownerOnBlog(client: any, prefix: string) {
  const blog = await createBlog(uniqueName(prefix))
  const visitor = new Visitor(client)
  const login = await logInOn(visitor, blog.domain, blog.schemaName)
  if (login.header('location') !== '/dashboard') throw new Error('owner login failed')
  await visitor.get(blog.domain, '/dashboard')
  return { blog, visitor }
}

function postsOf(schema: string) {
  return db.from(`${schema}.posts`).orderBy('id')
}

test.group('Writing posts', () => {
  test('create a draft, publish, edit, unpublish and delete a post', async ({ client, assert }) => {
    const { blog, visitor } = await ownerOnBlog(client, 'wr')
    const reader = new Visitor(client)

    const created = await visitor.submit(blog.domain, '/dashboard/posts', {
      title: 'My First Post',
      content: 'Hello **world**',
    })
    assert.equal(created.header('location'), '/dashboard')
    const dashboard = await visitor.follow(created, blog.domain)
    assert.include(dashboard.text(), 'Saved draft “My First Post”.')
    assert.include(dashboard.text(), 'Draft')
    let [post] = await postsOf(blog.schemaName)
    assert.equal(post.slug, 'my-first-post')
    assert.isFalse(post.is_published)
    assert.isNull(post.published_at)

    assert.equal((await reader.get(blog.domain, '/posts/my-first-post')).status(), 404)
    assert.notInclude((await reader.get(blog.domain, '/')).text(), 'My First Post')
    const preview = await visitor.get(blog.domain, '/posts/my-first-post')
    preview.assertStatus(200)
    assert.include(preview.text(), 'only you can see this post')

    await visitor.get(blog.domain, `/dashboard/posts/${post.id}/edit`)
    const published = await visitor.submit(
      blog.domain,
      `/dashboard/posts/${post.id}`,
      { title: 'My First Post, Renamed', slug: 'my-first-post', content: 'Hello **world**', publish: '1' },
      { method: 'PUT' }
    )
    assert.equal(published.header('location'), '/dashboard')
    ;[post] = await postsOf(blog.schemaName)
    assert.equal(post.slug, 'my-first-post', 'the slug stays put when the title changes')
    assert.isTrue(post.is_published)
    assert.isNotNull(post.published_at)
    const tenant = await db.from('public.tenants').where('id', blog.id).first()
    assert.isNotNull(tenant.last_post_at)

    const page = await reader.get(blog.domain, '/posts/my-first-post')
    page.assertStatus(200)
    assert.include(page.text(), '<strong>world</strong>')
    assert.include(page.text(), `by ${blog.schemaName}`)
    assert.include((await reader.get(blog.domain, '/')).text(), 'My First Post, Renamed')

    await visitor.get(blog.domain, `/dashboard/posts/${post.id}/edit`)
    await visitor.submit(
      blog.domain,
      `/dashboard/posts/${post.id}`,
      { title: 'My First Post, Renamed', slug: 'A New Address', content: 'Hello', publish: '1' },
      { method: 'PUT' }
    )
    ;[post] = await postsOf(blog.schemaName)
    assert.equal(post.slug, 'a-new-address')
    assert.equal((await reader.get(blog.domain, '/posts/my-first-post')).status(), 404)
    assert.equal((await reader.get(blog.domain, '/posts/a-new-address')).status(), 200)

    const firstPublishedAt = post.published_at
    await visitor.submit(
      blog.domain,
      `/dashboard/posts/${post.id}`,
      { title: 'My First Post, Renamed', slug: 'a-new-address', content: 'Hello' },
      { method: 'PUT' }
    )
    ;[post] = await postsOf(blog.schemaName)
    assert.isFalse(post.is_published, 'unpublished')
    assert.deepEqual(post.published_at, firstPublishedAt)
    assert.equal((await reader.get(blog.domain, '/posts/a-new-address')).status(), 404)

    const deleted = await visitor.submit(blog.domain, `/dashboard/posts/${post.id}`, {}, { method: 'DELETE' })
    assert.equal(deleted.header('location'), '/dashboard')
    assert.lengthOf(await postsOf(blog.schemaName), 0)
    assert.include((await visitor.follow(deleted, blog.domain)).text(), 'Deleted “My First Post, Renamed”.')
  })

  test('slugs are unique within a blog', async ({ client, assert }) => {
    const { blog, visitor } = await ownerOnBlog(client, 'slug')
    for (let i = 0; i < 3; i++) {
      await visitor.submit(blog.domain, '/dashboard/posts', { title: 'Same Title!', content: 'x', publish: '1' })
    }
    await visitor.submit(blog.domain, '/dashboard/posts', { title: 'Other', slug: 'same-title', content: 'x' })
    const slugs = (await postsOf(blog.schemaName)).map((post) => post.slug)
    assert.deepEqual(slugs, ['same-title', 'same-title-2', 'same-title-3', 'same-title-4'])
  })

  test('an invalid post re-renders the form with errors and the input kept', async ({ client, assert }) => {
    const { blog, visitor } = await ownerOnBlog(client, 'inv')
    await visitor.get(blog.domain, '/dashboard/posts/new')
    const response = await visitor.submit(blog.domain, '/dashboard/posts', { title: '', content: 'Kept content' })
    assert.equal(response.status(), 422, 'the form comes back in the same response')
    assert.include(response.text(), 'id="field-title-error"')
    assert.include(response.text(), 'Kept content</textarea>')
    assert.lengthOf(await postsOf(blog.schemaName), 0)
  })

  test('a form without its CSRF token is refused and writes nothing', async ({ client, assert }) => {
    const { blog, visitor } = await ownerOnBlog(client, 'csrf')
    await visitor.submit(blog.domain, '/dashboard/posts', { title: 'Kept', content: 'x', publish: '1' })
    const [post] = await postsOf(blog.schemaName)

    const create = await visitor.submit(
      blog.domain,
      '/dashboard/posts',
      { title: 'Forged', content: 'x', publish: '1' },
      { csrf: false }
    )
    assert.equal(create.status(), 403)
    assert.include(create.text(), 'This form has expired or did not come from this site')
    const update = await visitor.submit(
      blog.domain,
      `/dashboard/posts/${post.id}`,
      { title: 'Forged', content: 'x' },
      { method: 'PUT', csrf: false }
    )
    assert.equal(update.status(), 403)
    await visitor.submit(blog.domain, `/dashboard/posts/${post.id}`, {}, { method: 'DELETE', csrf: false })
    await visitor.submit(blog.domain, '/dashboard/settings', { name: 'Forged' }, { method: 'PUT', csrf: false })

    const posts = await postsOf(blog.schemaName)
    assert.lengthOf(posts, 1)
    assert.equal(posts[0].title, 'Kept')
    const tenant = await db.from('public.tenants').where('id', blog.id).first()
    assert.notEqual(tenant.name, 'Forged')

    assert.include(update.text(), 'This form has expired or did not come from this site')
    assert.include(update.text(), '>Forged</textarea>', 'what was sent is shown, so no text is lost')
  })

  test('script in titles and Markdown is rendered inert everywhere', async ({ client, assert }) => {
    const { blog, visitor } = await ownerOnBlog(client, 'xss')
    const title = '<script>alert("title")</script> & <img src=x onerror=alert(1)>'
    const content = [
      '<script>alert("content")</script>',
      '<img src="x" onerror="alert(2)"> <a href="javascript:alert(3)" onclick="alert(4)">a</a>',
      '[link](javascript:alert(5)) [ok](https://example.com)',
      '<iframe src="https://evil.example"></iframe><svg onload="alert(6)"></svg>',
      '<p style="background:url(javascript:alert(7))">styled</p>',
    ].join('\n\n')
    await visitor.submit(blog.domain, '/dashboard/posts', { title, content, publish: '1' })
    const [post] = await postsOf(blog.schemaName)

    const reader = new Visitor(client)
    const pages = [
      await reader.get(blog.domain, `/posts/${post.slug}`),
      await reader.get(blog.domain, '/'),
      await visitor.get(blog.domain, '/dashboard'),
      await reader.get(blog.domain, '/feed.xml'),
    ]
    for (const page of pages) {
      const text = page.text()
      assert.notInclude(text, '<script>alert')
      // An on* attribute of a tag, not the escaped title quoted in a meta tag's content.
      assert.notMatch(text, /<[a-z][\w-]*(?:\s+[\w:-]+(?:=(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s+on\w+=/i)
      assert.notInclude(text, 'href="javascript:')
      assert.notInclude(text, '<iframe')
      assert.notInclude(text, '<svg')
      assert.notInclude(text, 'style="')
    }
    assert.include(pages[0].text(), '&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;')
    assert.include(pages[0].text(), '<a href="https://example.com" rel="nofollow noopener">ok</a>')
  })

  test('the owner updates the blog title and tagline', async ({ client, assert }) => {
    const { blog, visitor } = await ownerOnBlog(client, 'set')
    await visitor.get(blog.domain, '/dashboard/settings')
    const saved = await visitor.submit(
      blog.domain,
      '/dashboard/settings',
      { name: 'Renamed <Blog>', tagline: 'Thoughts & notes' },
      { method: 'PUT' }
    )
    assert.equal(saved.header('location'), '/dashboard/settings')
    const page = await visitor.follow(saved, blog.domain)
    assert.include(page.text(), 'Settings saved.')
    const home = await new Visitor(client).get(blog.domain, '/')
    assert.include(home.text(), '<h1>Renamed &lt;Blog&gt;</h1>')
    assert.include(home.text(), 'Thoughts &amp; notes')
  })
})
