import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import tenancy from '#tenancy/service'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { Visitor, logInOn } from '#tests/helpers/visitor'

function postsOf(schema: string) {
  return db.from(`${schema}.posts`).orderBy('id')
}

test.group('Who may use a dashboard', () => {
  test('visitors are sent to log in, on the blog host', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('vis'), { posts: 1 })
    const visitor = new Visitor(client)
    for (const path of ['/dashboard', '/dashboard/posts/new', '/dashboard/settings', '/dashboard/posts/1/edit']) {
      const response = await visitor.get(blog.domain, path)
      assert.equal(response.header('location'), `/login?next=${encodeURIComponent(path)}`)
    }
    const form = await visitor.get(blog.domain, '/login?next=%2Fdashboard%2Fsettings')
    const login = await visitor.submit(blog.domain, '/login', {
      uid: `${blog.schemaName}@example.test`,
      password: 'secret-password',
      next: form.text().match(/name="next" value="([^"]*)"/)![1].replace(/&#x2F;|&#47;/g, '/'),
    })
    assert.equal(login.header('location'), '/dashboard/settings')
  })

  test('an owner of blog A gets 403 on blog B, for every page and write', async ({ client, assert }) => {
    const a = await createBlog(uniqueName('own_a'))
    const b = await createBlog(uniqueName('own_b'), { posts: 1 })
    const [postB] = await postsOf(b.schemaName)
    const visitor = new Visitor(client)

    const login = await logInOn(visitor, b.domain, a.schemaName)
    assert.equal(login.header('location'), '/', 'a non-owner lands on the blog, not its dashboard')

    for (const path of ['/dashboard', '/dashboard/posts/new', `/dashboard/posts/${postB.id}/edit`, '/dashboard/settings']) {
      const response = await visitor.get(b.domain, path)
      response.assertStatus(403)
      assert.include(response.text(), 'Only the owner of this blog can use its dashboard.')
      assert.match(response.text(), /<link rel="stylesheet" href="\/assets\/css\/app\.[0-9a-f]{10}\.css">/)
    }
    await visitor.get(b.domain, '/')
    const writes = [
      await visitor.submit(b.domain, '/dashboard/posts', { title: 'Intruder', content: 'x', publish: '1' }),
      await visitor.submit(b.domain, `/dashboard/posts/${postB.id}`, { title: 'Intruder', content: 'x' }, { method: 'PUT' }),
      await visitor.submit(b.domain, `/dashboard/posts/${postB.id}`, {}, { method: 'DELETE' }),
      await visitor.submit(b.domain, '/dashboard/settings', { name: 'Intruder' }, { method: 'PUT' }),
    ]
    for (const response of writes) response.assertStatus(403)

    const posts = await postsOf(b.schemaName)
    assert.lengthOf(posts, 1)
    assert.notEqual(posts[0].title, 'Intruder')
    assert.notEqual((await db.from('public.tenants').where('id', b.id).first()).name, 'Intruder')
  })

  test('an expired blog stays readable and its dashboard refuses writes, saying why', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('exp'), { posts: 2 })
    await db.from('public.tenants').where('id', blog.id).update({ paid_until: '2020-01-31' })
    tenancy.resolver.changed({ tenantIds: [blog.id], hosts: [] })
    const [post] = await postsOf(blog.schemaName)

    const reader = new Visitor(client)
    const home = await reader.get(blog.domain, '/')
    home.assertStatus(200)
    assert.include(home.text(), `${blog.schemaName} post 2`)
    ;(await reader.get(blog.domain, '/posts/post-1')).assertStatus(200)

    const owner = new Visitor(client)
    await logInOn(owner, blog.domain, blog.schemaName)
    const dashboard = await owner.get(blog.domain, '/dashboard')
    dashboard.assertStatus(200)
    assert.include(dashboard.text(), 'ended on 2020-01-31')

    const refused = [
      await owner.get(blog.domain, '/dashboard/posts/new'),
      await owner.submit(blog.domain, '/dashboard/posts', { title: 'New', content: 'x', publish: '1' }),
      await owner.submit(blog.domain, `/dashboard/posts/${post.id}`, { title: 'Changed', content: 'x' }, { method: 'PUT' }),
      await owner.submit(blog.domain, `/dashboard/posts/${post.id}`, {}, { method: 'DELETE' }),
      await owner.submit(blog.domain, '/dashboard/settings', { name: 'Changed' }, { method: 'PUT' }),
    ]
    for (const response of refused) {
      response.assertStatus(402)
      assert.include(response.text(), 'ended on 2020-01-31')
      assert.include(response.text(), 'nothing has been deleted')
    }
    const posts = await postsOf(blog.schemaName)
    assert.lengthOf(posts, 2)
    assert.equal(posts[0].title, `${blog.schemaName} post 1`)
  })
})
