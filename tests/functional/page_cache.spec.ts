import { test } from '@japa/runner'
import { Browser } from '#tests/helpers/browser'
import { runAce } from '#tests/helpers/ace'
import { untilCached } from '#tests/helpers/page_cache'
import { recentlyUpdatedBlogs } from '#services/blog_directory'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD, signupFields, uniqueUsername } from '#tests/helpers/visitor'

const anonymous = (host: string, path = '/') => new Browser().get(host, path)

const fromCache = (host: string, path = '/') => untilCached(() => anonymous(host, path), `${host}${path}`)

test.group('Page cache for anonymous visitors', () => {
  test('serves repeat visits from memory, per tenant, without a session cookie', async ({ assert }) => {
    const a = await createBlog(uniqueName('pc_a'), { posts: 2 })
    const b = await createBlog(uniqueName('pc_b'), { posts: 2 })
    const first = await anonymous(a.domain)
    const again = await fromCache(a.domain)
    const other = await anonymous(b.domain)
    assert.isUndefined(first.headers['x-page-cache'])
    assert.isUndefined(again.headers['set-cookie'])
    assert.equal(again.body, first.body)
    assert.isUndefined(other.headers['x-page-cache'])
    assert.include(other.body, `${b.schemaName} post 2`)
    assert.notInclude(other.body, a.schemaName)
    assert.include(again.headers['content-security-policy'] as string, "default-src 'self'")
  })

  test('a post written by the owner shows at once; the owner never gets a shared page', async ({ assert }) => {
    const blog = await createBlog(uniqueName('pc_write'), { posts: 1 })
    await fromCache(blog.domain)

    const owner = new Browser()
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    const home = await owner.get(blog.domain, '/')
    assert.isUndefined(home.headers['x-page-cache'])
    await owner.get(blog.domain, '/dashboard/posts/new')
    const created = await owner.post(blog.domain, '/dashboard/posts', {
      title: 'Fresh from the oven',
      content: 'new',
      publish: 'on',
    })
    assert.equal(created.status, 302)

    assert.include((await anonymous(blog.domain)).body, 'Fresh from the oven')
  })

  test('a write made by another process reaches the cache through the database', async ({ assert }) => {
    const blog = await createBlog(uniqueName('pc_ace'))
    await fromCache(blog.domain)

    const seeded = await runAce(['tenants:seed', '--tenant', blog.schemaName])
    assert.equal(seeded.exitCode, 0, seeded.stdout + seeded.stderr)
    let page = await anonymous(blog.domain)
    for (let attempt = 0; attempt < 50 && !page.body.includes('Welcome to'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      page = await anonymous(blog.domain)
    }
    assert.include(page.body, `Welcome to ${blog.name}`)
  }).timeout(60_000)

  test('only ?page= names another page: other query strings are served the same page from memory', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('pc_keys'), { posts: 12 })
    for (const [first, variants] of [
      ['/', ['/?utm_source=x', '/?page=1', '/?page=abc', '/?n=1&m=2']],
      ['/?page=2', ['/?page=2&x=1', '/?page=02']],
      ['/feed.xml', ['/feed.xml?n=1', '/feed.xml?n=2']],
      ['/sitemap.xml', ['/sitemap.xml?x=1']],
      ['/posts/post-3', ['/posts/post-3?ref=hn']],
    ] as const) {
      const original = await fromCache(blog.domain, first)
      for (const variant of variants) {
        const page = await anonymous(blog.domain, variant)
        assert.equal(page.headers['x-page-cache'], 'hit', variant)
        assert.equal(page.body, original.body, variant)
      }
    }
  })

  test('no address stores a page under another page\'s key: a repeated ?page=, a Host with another port', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('pc_poison'), { posts: 12 })
    const firstPage = await fromCache(blog.domain, '/')
    const repeated = await anonymous(blog.domain, '/?page=2&page=3')
    assert.equal(repeated.body, firstPage.body, 'a repeated page is page 1, as the blog reads it')
    const secondPage = await fromCache(blog.domain, '/?page=2')
    assert.notEqual(secondPage.body, firstPage.body)
    assert.include(secondPage.body, `${blog.schemaName} post 1<`)

    for (let i = 0; i < 2; i++) {
      const pastTheLast = await anonymous(blog.domain, '/?page=99')
      assert.equal(pastTheLast.status, 404, 'a page past the last is not a page')
      assert.isUndefined(pastTheLast.headers['x-page-cache'], 'and is not stored')
    }

    const otherPort = await anonymous(`${blog.domain}:1`, '/feed.xml')
    assert.include(otherPort.body, `${blog.domain}:1/`, 'pages link to the host they were asked for')
    const feed = await fromCache(blog.domain, '/feed.xml')
    assert.notInclude(feed.body, `${blog.domain}:1/`)
  })

  test('a returning browser with cookies other than a session is served from memory', async ({ assert }) => {
    const blog = await createBlog(uniqueName('pc_cookie'), { posts: 1 })
    await fromCache(blog.domain)
    const page = await new Browser().get(blog.domain, '/', { cookie: 'seen=1; _ga=GA1.1.2' })
    assert.equal(page.headers['x-page-cache'], 'hit')
  })

  test("a blog's settings drop its own pages, not other blogs'; a sign-up drops no blog's pages", async ({
    assert,
  }) => {
    const a = await createBlog(uniqueName('pc_inv_a'), { posts: 1 })
    const b = await createBlog(uniqueName('pc_inv_b'), { posts: 1 })
    await fromCache(a.domain)
    await fromCache(b.domain)

    const owner = new Browser()
    await owner.login(a.domain, a.schemaName, BLOG_PASSWORD)
    await owner.get(a.domain, '/dashboard/settings')
    const saved = await owner.post(a.domain, '/dashboard/settings?_method=PUT', { name: 'Renamed blog A' })
    assert.equal(saved.status, 302)
    const afterA = await anonymous(a.domain)
    assert.isUndefined(afterA.headers['x-page-cache'])
    assert.include(afterA.body, 'Renamed blog A')
    assert.equal((await anonymous(b.domain)).headers['x-page-cache'], 'hit', 'the other blog keeps its pages')

    await fromCache(a.domain)
    const listing = await recentlyUpdatedBlogs()
    assert.strictEqual(await recentlyUpdatedBlogs(), listing, "the main site's listing is kept while nothing changes")
    const newcomer = new Browser()
    await newcomer.get('localhost', '/signup')
    const username = uniqueUsername('pc_su')
    const signedUp = await newcomer.post('localhost', '/signup', signupFields(username), { page: '/signup' })
    assert.equal(signedUp.status, 302)
    assert.equal((await anonymous(a.domain)).headers['x-page-cache'], 'hit', 'a sign-up drops no blog page')
    assert.equal((await anonymous(b.domain)).headers['x-page-cache'], 'hit')
    assert.notStrictEqual(await recentlyUpdatedBlogs(), listing, "the sign-up dropped the main site's listing")
  })
})

