import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import pg from 'pg'
import { poolSizes } from '#config/database'
import { createBlog, searchPathsOfPool, uniqueName } from '#tests/helpers/tenants'
import { Visitor, logInOn } from '#tests/helpers/visitor'

test.group('Tenant isolation by host', () => {
  test('two tenants with the same post ids each see only their own posts', async ({ client, assert }) => {
    const a = await createBlog(uniqueName('iso_a'), { posts: 3 })
    const b = await createBlog(uniqueName('iso_b'), { posts: 3 })

    const pageA = await client.get('/').header('host', `${a.domain}:3333`)
    const pageB = await client.get('/').header('host', b.domain)
    pageA.assertStatus(200)
    pageB.assertStatus(200)
    assert.include(pageA.text(), `${a.schemaName} post 3`)
    assert.notInclude(pageA.text(), b.schemaName)
    assert.include(pageB.text(), `${b.schemaName} post 1`)
    assert.notInclude(pageB.text(), a.schemaName)

    const postA = await client.get('/posts/post-2').header('host', a.domain)
    const postB = await client.get('/posts/post-2').header('host', b.domain)
    assert.include(postA.text(), `[${a.schemaName}/2]`)
    assert.include(postB.text(), `[${b.schemaName}/2]`)
  })

  test('host matching ignores case, port and a trailing dot', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('iso_case'), { posts: 1 })
    for (const host of [blog.domain.toUpperCase(), `${blog.domain}.`, `${blog.domain}:8080`]) {
      const response = await client.get('/').header('host', host)
      response.assertStatus(200)
      assert.include(response.text(), `${blog.schemaName} post 1`)
    }
  })

  test('an unknown host gets the "no blog here" page, never another tenant', async ({ client, assert }) => {
    await createBlog(uniqueName('iso_known'), { posts: 1 })
    for (const host of ['nobody.localhost', '127.0.0.1', 'localhost.evil.test']) {
      const response = await client.get('/').header('host', host)
      response.assertStatus(404)
      assert.include(response.text(), 'No blog here')
      assert.include(response.text(), 'http://localhost')
      assert.notInclude(response.text(), 'post 1')
    }
  })

  test('X-Forwarded-Host from an untrusted client does not switch tenants', async ({ client, assert }) => {
    const a = await createBlog(uniqueName('iso_fwd_a'), { posts: 1 })
    const b = await createBlog(uniqueName('iso_fwd_b'), { posts: 1 })
    const response = await client.get('/').header('host', a.domain).header('x-forwarded-host', b.domain)
    assert.include(response.text(), `${a.schemaName} post 1`)
    assert.notInclude(response.text(), b.schemaName)
  })
})

test.group('One pool, whatever the number of tenants', () => {
  test('200 tenants under concurrent requests stay within the pool', async ({ client, assert }) => {
    const blogs: Awaited<ReturnType<typeof createBlog>>[] = []
    for (let i = 0; i < 200; i++) blogs.push(await createBlog(uniqueName('pool'), { posts: 1 }))

    const poolMax = poolSizes.total
    const settings = db.getRawConnection('postgres')!.config.connection as pg.ClientConfig
    const monitor = new pg.Client({ ...settings, application_name: 'echoblogs-test-monitor' })
    await monitor.connect()
    let peak = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await monitor.query(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and application_name = 'echoblogs'`
        )
        peak = Math.max(peak, rows[0].n)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()

    let failures = 0
    const requests = 1000
    let next = 0
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < requests) {
          const blog = blogs[next++ % blogs.length]
          const response = await client.get('/').header('host', blog.domain)
          if (response.status() !== 200 || !response.text().includes(`${blog.schemaName} post 1`)) {
            failures++
          }
        }
      })
    )
    sampling = false
    await sampler
    await monitor.end()

    console.log(`  ${requests} requests over ${blogs.length} tenants: peak ${peak} backends (pool max ${poolMax})`)
    assert.equal(failures, 0)
    assert.isAbove(peak, 0)
    assert.isAtMost(peak, poolMax)
  }).timeout(240_000)
})

test.group('No search_path survives a request', () => {
  test('after successful, failing and erroring requests every pooled connection has the default path', async ({
    client,
    assert,
  }) => {
    const blog = await createBlog(uniqueName('path'), { posts: 1 })
    const [defaultPath] = await searchPathsOfPool()

    ;(await client.get('/').header('host', blog.domain)).assertStatus(200)
    ;(await client.get('/posts/missing').header('host', blog.domain)).assertStatus(404)
    ;(await client.get('/?page=abc').header('host', blog.domain)).assertStatus(200)
    const owner = new Visitor(client)
    await logInOn(owner, blog.domain, blog.schemaName)
    ;(await owner.get(blog.domain, '/dashboard')).assertStatus(200)
    ;(await owner.get(blog.domain, '/dashboard/posts/999999/edit')).assertStatus(404)
    ;(await owner.submit(blog.domain, '/dashboard/posts', { title: '', content: '' })).assertStatus(422)
    ;(await owner.submit(blog.domain, '/dashboard/posts', { title: 'Fine', content: 'x' })).assertStatus(302)

    const paths = await searchPathsOfPool()
    assert.notInclude(defaultPath, blog.schemaName)
    for (const path of paths) assert.equal(path, defaultPath)
  })
})
