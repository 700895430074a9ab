import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

test.group('Health checks', () => {
  test('/healthz answers on every host, unknown ones included, without a cookie or a cache', async ({ assert }) => {
    const blog = await createBlog(uniqueName('health_live'))
    const visitor = new Browser()
    for (const host of ['localhost', blog.domain, 'no-such-blog.localhost']) {
      const reply = await visitor.get(host, '/healthz')
      assert.equal(reply.status, 200, host)
      assert.equal(JSON.parse(reply.body).status, 'ok', host)
      assert.equal(reply.headers['cache-control'], 'no-store', host)
      assert.match(String(reply.headers['content-type']), /^application\/json/, host)
      assert.isUndefined(reply.headers['set-cookie'], host)
    }
  })

  test('/readyz reports the database, public migrations and the tenants behind on theirs', async ({ assert }) => {
    const blog = await createBlog(uniqueName('health_ready'))
    const visitor = new Browser()
    await sleep(2_100)
    const ready = await visitor.get('no-such-blog.localhost', '/readyz')
    assert.equal(ready.status, 200)
    const body = JSON.parse(ready.body)
    assert.include(body, { status: 'ready', ready: true, database: 'ok' })
    assert.deepEqual(body.publicMigrationsPending, [])
    const { rows } = await db.rawQuery('select count(*)::int as n from public.tenants')
    assert.equal(body.tenants, rows[0].n)
    assert.equal(ready.headers['cache-control'], 'no-store')

    const removed = await db.rawQuery(
      `delete from public.tenant_migrations where id = (select max(id) from public.tenant_migrations where tenant_id = ?) returning *`,
      [blog.id]
    )
    try {
      const reused = JSON.parse((await visitor.get(blog.domain, '/readyz')).body)
      assert.equal(reused.checkedAt, body.checkedAt, 'asked again within 2 s, the process reuses its last check')
      assert.equal(reused.tenantsBehind, body.tenantsBehind)
      await sleep(2_100)
      const behind = JSON.parse((await visitor.get(blog.domain, '/readyz')).body)
      assert.notEqual(behind.checkedAt, body.checkedAt)
      assert.equal(behind.tenantsBehind, body.tenantsBehind + 1, 'the blog missing a migration is counted')
      assert.isTrue(behind.ready, 'a tenant behind does not take the process out of service')
    } finally {
      const row = removed.rows[0]
      await db.table('public.tenant_migrations').insert({ tenant_id: row.tenant_id, name: row.name, batch: row.batch })
    }
  }).timeout(20_000)
})
