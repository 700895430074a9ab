import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { Visitor, logInOn } from '#tests/helpers/visitor'

test.group('Reading a blog', () => {
  test('the home page lists published posts newest first, 10 a page', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('page'), { posts: 23 })
    const reader = new Visitor(client)
    const titles = (html: string) =>
      [...html.matchAll(/<h2><a href="\/posts\/[^"]+">([^<]+)<\/a><\/h2>/g)].map((match) => match[1])

    const first = await reader.get(blog.domain, '/')
    first.assertStatus(200)
    assert.deepEqual(
      titles(first.text()),
      Array.from({ length: 10 }, (_, i) => `${blog.schemaName} post ${23 - i}`)
    )
    assert.include(first.text(), `by ${blog.schemaName}`)
    assert.include(first.text(), `[${blog.schemaName}/23] content`)
    assert.include(first.text(), 'href="/?page=2"')
    assert.include(first.text(), 'Page 1')

    const third = await reader.get(blog.domain, '/?page=3')
    assert.deepEqual(titles(third.text()), [1, 2, 3].reverse().map((n) => `${blog.schemaName} post ${n}`))
    assert.include(third.text(), 'href="/?page=2"')
    assert.notInclude(third.text(), 'href="/?page=4"')

    const beyond = await reader.get(blog.domain, '/?page=9')
    beyond.assertStatus(404)
    assert.include(beyond.text(), 'There are no posts on this page.')
    assert.include(beyond.text(), 'Go to the home page')
    ;(await reader.get(blog.domain, '/?page=abc')).assertStatus(200)
  })

  test('the Atom feed and the sitemap are XML with absolute, escaped links', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('feed'), { posts: 2 })
    await db.table(`${blog.schemaName}.posts`).insert([
      {
        title: 'Tom & Jerry <3',
        slug: 'tom-jerry',
        content: 'A & B',
        author_id: blog.ownerId,
        is_published: true,
        // The newest: the blog's own posts were published up to a moment ago.
        published_at: new Date(),
        created_at: new Date(),
      },
      {
        title: 'Secret draft',
        slug: 'secret-draft',
        content: 'x',
        author_id: blog.ownerId,
        is_published: false,
        created_at: new Date(),
      },
    ])
    const reader = new Visitor(client)
    const origin = `http://${blog.domain}:3333`

    const feed = await reader.get(`${blog.domain}:3333`, '/feed.xml')
    feed.assertStatus(200)
    assert.match(feed.header('content-type')!, /^application\/atom\+xml/)
    const atom = feed.text()
    assert.match(atom, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/)
    assert.include(atom, `<link rel="self" type="application/atom+xml" href="${origin}/feed.xml"/>`)
    assert.include(atom, `<title type="text">Tom &amp; Jerry &lt;3</title>`)
    assert.include(atom, `<id>${origin}/posts/tom-jerry</id>`)
    assert.include(atom, `href="${origin}/posts/post-1"`)
    assert.include(atom, '&lt;p&gt;A &amp;amp; B&lt;/p&gt;')
    assert.notInclude(atom, 'Secret draft')
    assert.equal(atom.match(/<entry>/g)!.length, 3)
    assert.isTrue(atom.indexOf('tom-jerry') < atom.indexOf('post-2'), 'newest first')
    assert.notMatch(atom.replace(/&(amp|lt|gt|quot|apos);/g, ''), /&|<(?![a-z/?!])/i)

    const index = await reader.get(`${blog.domain}:3333`, '/sitemap.xml')
    index.assertStatus(200)
    assert.match(index.header('content-type')!, /^application\/xml/)
    assert.include(index.text(), '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    assert.include(index.text(), `<sitemap><loc>${origin}/sitemaps/posts-1.xml</loc></sitemap>`)
    const map = await reader.get(`${blog.domain}:3333`, '/sitemaps/posts-1.xml')
    map.assertStatus(200)
    assert.match(map.header('content-type')!, /^application\/xml/)
    const xml = map.text()
    assert.include(xml, '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    assert.include(xml, `<loc>${origin}/</loc>`)
    assert.include(xml, `<loc>${origin}/posts/tom-jerry</loc>`)
    assert.include(xml, `<loc>${origin}/posts/post-2</loc>`)
    assert.notInclude(xml, 'secret-draft')
  })

  test('the main site lists recently updated blogs with their latest post date', async ({ client, assert }) => {
    const quiet = await createBlog(uniqueName('quiet'))
    const busy = await createBlog(uniqueName('busy'))
    const owner = new Visitor(client)
    await logInOn(owner, busy.domain, busy.schemaName)
    await owner.get(busy.domain, '/dashboard')
    await owner.submit(busy.domain, '/dashboard/posts', { title: 'Fresh', content: 'x', publish: '1' })

    const home = await new Visitor(client).get('localhost', '/')
    home.assertStatus(200)
    const html = home.text()
    assert.include(html, `href="http://${busy.domain}/">Blog ${busy.schemaName}</a>`)
    assert.include(html, `latest post <time datetime="${new Date().toISOString().slice(0, 10)}`)
    assert.isTrue(html.indexOf(busy.schemaName) < html.indexOf(quiet.schemaName), 'busy blog first')
    assert.include(html, 'href="/signup"')
  })

  test('pages that do not exist are 404 pages in the layout', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('nf'))
    const reader = new Visitor(client)
    for (const [host, path] of [[blog.domain, '/posts/nope'], [blog.domain, '/nothing/here'], ['localhost', '/nothing']]) {
      const response = await reader.get(host, path)
      response.assertStatus(404)
      assert.match(response.text(), /<link rel="stylesheet" href="\/assets\/css\/app\.[0-9a-f]{10}\.css">/)
      assert.include(response.text(), 'There is nothing at this address.')
    }
  })
})
