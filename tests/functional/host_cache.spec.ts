import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
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

  test('a known host past its TTL is answered from memory at once and refreshed in the background', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('hc_stale'))
    const resolver = new TenantResolver({ ttlMs: 50, negativeTtlMs: 60_000, maxBytes: 40_000 })
    assert.equal((await resolver.resolve(blog.domain))?.name, blog.name)
    await db.rawQuery('update public.tenants set name = ? where id = ?', ['Renamed by SQL', blog.id])
    await sleep(80)

    assert.equal(resolver.peek(blog.domain)?.name, blog.name, 'no reader waits for the lookup')
    for (let i = 0; i < 100 && resolver.peek(blog.domain)?.name !== 'Renamed by SQL'; i++) await sleep(10)
    assert.equal(resolver.peek(blog.domain)?.name, 'Renamed by SQL', 'the background lookup refreshed it')

    await db.rawQuery('delete from public.domains where tenant_id = ?', [blog.id])
    await sleep(80)
    resolver.peek(blog.domain)
    for (let i = 0; i < 100 && resolver.peek(blog.domain) !== null; i++) await sleep(10)
    assert.isNull(resolver.peek(blog.domain), 'a host that went away is forgotten at its refresh')
  })
})

