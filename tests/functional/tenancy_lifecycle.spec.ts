import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import tenancy from '#tenancy/service'
import { DomainTakenError, InvalidSchemaNameError, TenantExistsError } from '#tenancy/errors'
import { TenantMigrator } from '#tenancy/tenant_migrator'
import { TenantLifecycle } from '#tenancy/tenant_lifecycle'
import { createBlog, schemaExists, uniqueName } from '#tests/helpers/tenants'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'

async function leftovers(schemaName: string, domain: string) {
  return {
    schema: await schemaExists(schemaName),
    tenant: await Tenant.findBy('schemaName', schemaName),
    domain: await Domain.findBy('domain', domain),
  }
}

test.group('Tenant creation', () => {
  test('creates the schema with every tenant migration, the row and the primary domain', async ({
    assert,
  }) => {
    const name = uniqueName('create')
    const tenant = await tenancy.lifecycle.create({ name: 'My blog', schemaName: name })
    assert.isTrue(await schemaExists(name))
    const domain = await Domain.findByOrFail('tenantId', tenant.id)
    assert.equal(domain.domain, `${name.replaceAll('_', '-')}.localhost`)
    assert.isTrue(domain.isPrimary)
    assert.isTrue(tenant.onTrial)
    const [status] = await tenancy.fanOut.status([name])
    assert.deepEqual(status.pending, [])
    assert.deepEqual(status.applied, await tenancy.migrator.names())
    const { rows } = await db.rawQuery(
      `select table_name from information_schema.tables where table_schema = ? order by 1`,
      [name]
    )
    assert.deepEqual(
      rows.map((row: any) => row.table_name),
      ['images', 'post_tags', 'posts', 'tags']
    )
  })

  test('rejects an invalid name before any DDL', async ({ assert }) => {
    const before = await db.rawQuery('select count(*)::int as n from pg_namespace')
    for (const name of ['a"; drop schema public; --', 'pg_x', 'public', 'Alice', 'a'.repeat(64)]) {
      await assert.rejects(
        () => tenancy.lifecycle.create({ name: 'x', schemaName: name }),
        InvalidSchemaNameError
      )
    }
    const after = await db.rawQuery('select count(*)::int as n from pg_namespace')
    assert.equal(after.rows[0].n, before.rows[0].n)
  })

  test('a failure at the domain step leaves no schema, row or domain behind', async ({ assert }) => {
    const taken = await createBlog(uniqueName('taken'))
    const name = uniqueName('clash')
    await assert.rejects(
      () => tenancy.lifecycle.create({ name: 'x', schemaName: name, domain: taken.domain }),
      DomainTakenError
    )
    const left = await leftovers(name, taken.domain)
    assert.isFalse(left.schema)
    assert.isNull(left.tenant)
    assert.equal(left.domain!.tenantId, taken.id)

    await tenancy.lifecycle.create({ name: 'x', schemaName: name })
    assert.isTrue(await schemaExists(name))
  })

  test('a failing tenant migration leaves nothing behind and the name stays free', async ({
    assert,
  }) => {
    await mkdir(app.makePath('tmp'), { recursive: true })
    const directory = await mkdtemp(app.makePath('tmp/tenant-migrations-'))
    await cp(app.makePath('database/tenant_migrations'), directory, { recursive: true })
    await writeFile(
      join(directory, '9999_broken.ts'),
      `import { BaseSchema } from '@adonisjs/lucid/schema'
export default class extends BaseSchema {
  async up() { this.schema.raw('select * from a_table_that_does_not_exist') }
}
`
    )
    const broken = new TenantLifecycle(new TenantMigrator(directory), 'localhost', () => {})
    const name = uniqueName('broken')
    try {
      await assert.rejects(() => broken.create({ name: 'x', schemaName: name }), /9999_broken/)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
    const left = await leftovers(name, `${name.replaceAll('_', '-')}.localhost`)
    assert.isFalse(left.schema)
    assert.isNull(left.tenant)
    assert.isNull(left.domain)

    await tenancy.lifecycle.create({ name: 'x', schemaName: name })
    assert.isTrue(await schemaExists(name))
  })

  test('a duplicate name is refused and the existing tenant is untouched', async ({ assert }) => {
    const blog = await createBlog(uniqueName('dup'), { posts: 2 })
    await assert.rejects(
      () => tenancy.lifecycle.create({ name: 'again', schemaName: blog.schemaName, domain: 'other.localhost' }),
      TenantExistsError
    )
    const tenant = await Tenant.findByOrFail('schemaName', blog.schemaName)
    assert.equal(tenant.name, blog.name)
    assert.isNull(await Domain.findBy('domain', 'other.localhost'))
  })
})

test.group('Tenant deletion', () => {
  test('drops the schema, row and domains; the host stops resolving', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('del'), { posts: 1 })
    ;(await client.get('/').header('host', blog.domain)).assertStatus(200)

    await tenancy.lifecycle.delete(blog.schemaName)
    const left = await leftovers(blog.schemaName, blog.domain)
    assert.isFalse(left.schema)
    assert.isNull(left.tenant)
    assert.isNull(left.domain)
    ;(await client.get('/').header('host', blog.domain)).assertStatus(404)
  })

  test('--keep-schema only detaches', async ({ assert }) => {
    const blog = await createBlog(uniqueName('detach'), { posts: 1 })
    await tenancy.lifecycle.delete(blog.schemaName, { keepSchema: true })
    assert.isTrue(await schemaExists(blog.schemaName))
    assert.isNull(await Tenant.findBy('schemaName', blog.schemaName))
  })
})

test.group('Host cache', () => {
  test('a domain added by another process leads to the blog without a restart', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('cache'), { posts: 1 })
    const extra = `${blog.schemaName.replaceAll('_', '-')}-alias.localhost`
    // Not the blog's primary domain: it answers with a redirect there.
    const ask = () => client.get('/').header('host', extra).redirects(0)
    ;(await ask()).assertStatus(404)

    // A row that does not say it is verified is a pending claim: it leads nowhere.
    await db.rawQuery('insert into public.domains (domain, tenant_id, is_primary, created_at) values (?, ?, false, now())', [extra, blog.id])
    await new Promise((resolve) => setTimeout(resolve, 200))
    ;(await ask()).assertStatus(404)
    await db.rawQuery('update public.domains set verified_at = now() where domain = ?', [extra])
    let status = 404
    let location: string | undefined
    for (let attempt = 0; attempt < 50 && status !== 301; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      const reply = await ask()
      status = reply.status()
      location = reply.header('location')
    }
    assert.equal(status, 301)
    assert.equal(location, `http://${blog.domain}/`)

    await db.rawQuery('delete from public.domains where domain = ?', [extra])
    for (let attempt = 0; attempt < 50 && status !== 404; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      status = (await ask()).status()
    }
    assert.equal(status, 404)
  })
})
