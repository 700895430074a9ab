import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import tenancy from '#tenancy/service'
import { jsonOutput, runAce } from '#tests/helpers/ace'
import { createBlog, createUser, schemaExists, uniqueName, appliedMigrations } from '#tests/helpers/tenants'

const SUMMARY_MIGRATION = `import { BaseSchema } from '@adonisjs/lucid/schema'
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('posts', (table) => { table.text('summary').nullable() })
  }
  async down() {
    this.schema.alterTable('posts', (table) => { table.dropColumn('summary') })
  }
}
`

async function migrationsWithSummary() {
  await mkdir(app.makePath('tmp'), { recursive: true })
  const directory = await mkdtemp(app.makePath('tmp/tenant-migrations-'))
  await cp(app.makePath('database/tenant_migrations'), directory, { recursive: true })
  await writeFile(join(directory, '0101_add_summary_to_posts.ts'), SUMMARY_MIGRATION)
  return directory
}

async function columnType(schemaName: string, column: string) {
  const { rows } = await db.rawQuery(
    `select data_type from information_schema.columns
      where table_schema = ? and table_name = 'posts' and column_name = ?`,
    [schemaName, column]
  )
  return rows[0]?.data_type ?? null
}


test.group('tenants:create, tenants:list, tenants:delete', () => {
  test('creates, lists and deletes a tenant through Ace', async ({ assert }) => {
    const owner = await createUser(uniqueName('owner'))
    const name = uniqueName('ace')
    const created = await runAce([
      'tenants:create',
      name,
      '--title',
      'Ace blog',
      '--owner',
      owner.email,
      '--trial-days',
      '7',
    ])
    assert.equal(created.exitCode, 0, created.stderr + created.stdout)
    const tenant = await Tenant.findByOrFail('schemaName', name)
    assert.equal(tenant.name, 'Ace blog')
    assert.equal(tenant.ownerId, owner.id)
    assert.equal(tenant.paidUntil!.toISODate(), new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10))
    assert.isTrue(await schemaExists(name))

    const listed = jsonOutput<any[]>(await runAce(['tenants:list', '--json']))
    const row = listed.find((entry) => entry.schema === name)
    assert.deepInclude(row, {
      name: 'Ace blog',
      owner: owner.email,
      onTrial: true,
      pendingMigrations: [],
      domains: [`${name.replaceAll('_', '-')}.localhost`],
    })

    const deleted = await runAce(['tenants:delete', name, '--force'])
    assert.equal(deleted.exitCode, 0, deleted.stderr)
    assert.isFalse(await schemaExists(name))
    assert.isNull(await Tenant.findBy('schemaName', name))
    assert.isNull(await Domain.findBy('tenantId', tenant.id))
  }).timeout(60_000)

  test('refuses bad input with a message and a non-zero exit', async ({ assert }) => {
    const injected = await runAce(['tenants:create', 'x"; drop schema public; --'])
    assert.equal(injected.exitCode, 1)
    assert.match(injected.stderr + injected.stdout, /Invalid tenant name/)

    const unknownOwner = await runAce(['tenants:create', uniqueName('orphan'), '--owner', 'nobody@nowhere.test'])
    assert.equal(unknownOwner.exitCode, 1)
    assert.match(unknownOwner.stderr + unknownOwner.stdout, /No user/)

    const missing = await runAce(['tenants:delete', 'no_such_tenant', '--force'])
    assert.equal(missing.exitCode, 1)
    assert.match(missing.stderr + missing.stdout, /No tenant/)
    assert.isTrue(await schemaExists('public'))
  }).timeout(60_000)
})

test.group('tenants:migrate, tenants:status, tenants:rollback', (group) => {
  let directory: string
  group.each.setup(async () => {
    directory = await migrationsWithSummary()
    return () => rm(directory, { recursive: true, force: true })
  })

  test('one broken tenant fails alone, is reported, and a rerun finishes the job', async ({ assert }) => {
    const blogs = await Promise.all(
      ['mig_a', 'mig_b', 'mig_c'].map((prefix) => createBlog(uniqueName(prefix), { posts: 1 }))
    )
    const broken = blogs[1].schemaName
    await db.rawQuery(`alter table "${broken}".posts add column summary integer`)
    const env = { TENANT_MIGRATIONS_PATH: directory }
    const only = blogs.flatMap((blog) => ['--tenant', blog.schemaName])

    const status = jsonOutput<any[]>(await runAce(['tenants:status', '--json', ...only], env))
    assert.deepEqual(
      status.map((entry) => entry.pending),
      [['0101_add_summary_to_posts'], ['0101_add_summary_to_posts'], ['0101_add_summary_to_posts']]
    )

    const first = await runAce(['tenants:migrate', '--json', '--concurrency', '3', ...only], env)
    assert.equal(first.exitCode, 1)
    const report = jsonOutput(first)
    const byName = Object.fromEntries(report.results.map((entry: any) => [entry.schemaName, entry]))
    assert.equal(byName[blogs[0].schemaName].status, 'applied')
    assert.equal(byName[blogs[2].schemaName].status, 'applied')
    assert.equal(byName[broken].status, 'failed')
    assert.match(byName[broken].error, /summary/)
    assert.equal(await columnType(blogs[0].schemaName, 'summary'), 'text')
    assert.equal(await columnType(blogs[2].schemaName, 'summary'), 'text')
    assert.equal(await columnType(broken, 'summary'), 'integer')
    assert.notInclude(await appliedMigrations(broken), '0101_add_summary_to_posts')

    await db.rawQuery(`alter table "${broken}".posts drop column summary`)
    const rerun = await runAce(['tenants:migrate', '--json', ...only], env)
    assert.equal(rerun.exitCode, 0, rerun.stderr)
    const statuses = jsonOutput(rerun).results.map((entry: any) => entry.status)
    assert.deepEqual(statuses, ['up-to-date', 'applied', 'up-to-date'])
    assert.equal(await columnType(broken, 'summary'), 'text')

    const rollback = await runAce(['tenants:rollback', '--json', '--tenant', blogs[0].schemaName], env)
    assert.equal(rollback.exitCode, 0, rollback.stderr)
    assert.isNull(await columnType(blogs[0].schemaName, 'summary'))
    assert.deepEqual(await appliedMigrations(blogs[0].schemaName), await tenancy.migrator.names())
  }).timeout(120_000)

  test('two concurrent runs apply each migration exactly once', async ({ assert }) => {
    const blogs = await Promise.all(
      ['race_a', 'race_b', 'race_c', 'race_d'].map((prefix) => createBlog(uniqueName(prefix)))
    )
    const env = { TENANT_MIGRATIONS_PATH: directory }
    const only = blogs.flatMap((blog) => ['--tenant', blog.schemaName])
    const [one, two] = await Promise.all([
      runAce(['tenants:migrate', '--json', ...only], env),
      runAce(['tenants:migrate', '--json', ...only], env),
    ])
    assert.equal(one.exitCode, 0, one.stderr + one.stdout)
    assert.equal(two.exitCode, 0, two.stderr + two.stdout)
    const applied = [...jsonOutput(one).results, ...jsonOutput(two).results].filter(
      (entry: any) => entry.status === 'applied'
    )
    assert.lengthOf(applied, blogs.length)
    for (const blog of blogs) {
      assert.deepEqual(await appliedMigrations(blog.schemaName), [
        ...(await tenancy.migrator.names()),
        '0101_add_summary_to_posts',
      ])
    }
  }).timeout(120_000)

  test('--dry-run prints the SQL and changes nothing', async ({ assert }) => {
    const blog = await createBlog(uniqueName('dry'))
    const result = await runAce(['tenants:migrate', '--dry-run', '--tenant', blog.schemaName], {
      TENANT_MIGRATIONS_PATH: directory,
    })
    assert.equal(result.exitCode, 0, result.stderr)
    assert.match(result.stdout, /alter table "posts" add column "summary" text/)
    assert.isNull(await columnType(blog.schemaName, 'summary'))
    assert.deepEqual(await appliedMigrations(blog.schemaName), await tenancy.migrator.names())
  }).timeout(60_000)
})
