import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Post from '#models/post'
import User from '#models/user'
import { CrossTenantError, TenantNotBoundError } from '#tenancy/errors'
import { TenantScope, applySchema, withTenant } from '#tenancy/tenant_scope'
import { createBlog, searchPathsOfPool, uniqueName } from '#tests/helpers/tenants'

async function currentPath(client: { rawQuery: typeof db.rawQuery }) {
  const { rows } = await client.rawQuery(`select current_setting('search_path') as path`)
  return rows[0].path as string
}

test.group('Tenant models without a tenant', () => {
  test('querying, creating and finding throw instead of touching public', async ({ assert }) => {
    await assert.rejects(() => Post.query().exec(), TenantNotBoundError)
    await assert.rejects(() => Post.find(1), TenantNotBoundError)
    await assert.rejects(
      () => Post.create({ title: 't', slug: 't', content: 'c', authorId: 1 }),
      TenantNotBoundError
    )
  })

  test('a public client passed explicitly is refused', async ({ assert }) => {
    const trx = await db.transaction()
    try {
      assert.throws(() => Post.query({ client: trx }), /not a tenant scope/)
    } finally {
      await trx.rollback()
    }
  })

  test('a row saved after its transaction ended does not fall back to public', async ({ assert }) => {
    const blog = await createBlog(uniqueName('stale'), { posts: 1 })
    const post = await withTenant(blog, () => Post.findByOrFail('slug', 'post-1'))
    post.title = 'changed outside any tenant'
    await assert.rejects(() => post.save(), TenantNotBoundError)

    const other = await createBlog(uniqueName('stale_other'))
    await assert.rejects(() => withTenant(other, () => post.save()), CrossTenantError)

    const reloaded = await withTenant(blog, () => Post.findByOrFail('slug', 'post-1'))
    assert.equal(reloaded.title, `${blog.schemaName} post 1`)

    await withTenant(blog, async () => {
      post.title = 'saved in its own tenant again'
      await post.save()
    })
    const saved = await withTenant(blog, () => Post.findByOrFail('slug', 'post-1'))
    assert.equal(saved.title, 'saved in its own tenant again')
  })
})

test.group('withTenant', () => {
  test('commits on success and rolls back on error', async ({ assert }) => {
    const blog = await createBlog(uniqueName('with'))
    const author = await User.findByOrFail('username', blog.schemaName)
    await withTenant(blog, () =>
      Post.create({ title: 'kept', slug: 'kept', content: 'c', authorId: author.id })
    )
    await assert.rejects(() =>
      withTenant(blog, async () => {
        await Post.create({ title: 'lost', slug: 'lost', content: 'c', authorId: author.id })
        throw new Error('boom')
      })
    )
    const slugs = await withTenant(blog, async () => (await Post.all()).map((post) => post.slug))
    assert.deepEqual(slugs, ['kept'])
  })

  test('nested scopes for different tenants stay apart', async ({ assert }) => {
    const a = await createBlog(uniqueName('nest_a'), { posts: 1 })
    const b = await createBlog(uniqueName('nest_b'), { posts: 1 })
    await withTenant(a, async () => {
      const inner = await withTenant(b, () => Post.findByOrFail('slug', 'post-1'))
      const outer = await Post.findByOrFail('slug', 'post-1')
      assert.include(inner.content, b.schemaName)
      assert.include(outer.content, a.schemaName)
    })
  })
})

test.group('Savepoints and errors inside a scope', () => {
  test('a rolled-back savepoint that switched schema leaves the scope on its own tenant', async ({
    assert,
  }) => {
    const a = await createBlog(uniqueName('sp_a'), { posts: 1 })
    const b = await createBlog(uniqueName('sp_b'), { posts: 1 })
    const [defaultPath] = await searchPathsOfPool()

    await withTenant(a, async (scope) => {
      await assert.rejects(() =>
        scope.savepoint(async (savepoint) => {
          await applySchema(savepoint, b.schemaName)
          assert.equal(await currentPath(savepoint), `"${b.schemaName}"`)
          throw new Error('roll back the savepoint')
        })
      )
      assert.equal(await currentPath(scope.client), `"${a.schemaName}"`)
      const post = await Post.findByOrFail('slug', 'post-1')
      assert.include(post.content, a.schemaName)
    })

    for (const path of await searchPathsOfPool()) assert.equal(path, defaultPath)
  })

  test('a statement error aborts the scope and the connection comes back clean', async ({ assert }) => {
    const blog = await createBlog(uniqueName('err'))
    const [defaultPath] = await searchPathsOfPool()
    const scope = await TenantScope.open(blog)
    await assert.rejects(() => scope.client.rawQuery('select * from no_such_table'))
    await scope.end(true)
    for (const path of await searchPathsOfPool()) assert.equal(path, defaultPath)
  })
})
