import { test } from '@japa/runner'
import { Browser } from '#tests/helpers/browser'
import { runAce } from '#tests/helpers/ace'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

const anonymous = (host: string, path = '/') => new Browser().get(host, path)

/*
 * Asks until the page comes from the cache: a fill is discarded when tenancy news (another
 * test's tenant creation, say) arrives while it renders.
 */
async function fromCache(host: string, path = '/') {
  for (let attempt = 0; attempt < 40; attempt++) {
    const page = await anonymous(host, path)
    if (page.headers['x-page-cache'] === 'hit') return page
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${host}${path} was never served from the cache`)
}

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
})
