import { test } from '@japa/runner'
import { TenantResolver } from '#tenancy/tenant_resolver'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

test.group('Host cache', () => {
  test("a flood of made-up hosts does not push the blogs' hosts out of the cache", async ({ assert }) => {
    const blog = await createBlog(uniqueName('hc_real'))
    const resolver = new TenantResolver({ ttlMs: 60_000, negativeTtlMs: 60_000, maxBytes: 40_000 })
    assert.equal((await resolver.resolve(blog.domain))?.id, blog.id)
    for (let i = 0; i < 1_000; i++) assert.isNull(await resolver.resolve(`made-up-${i}.example.test`))
    assert.equal(resolver.peek(blog.domain)?.id, blog.id, 'the blog is still answered from memory')
    assert.isUndefined(resolver.peek('made-up-0.example.test'), 'older made-up hosts made room instead')
    assert.isNull(resolver.peek('made-up-999.example.test'), 'recent made-up hosts are remembered')
  })
})
