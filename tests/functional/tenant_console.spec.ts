import { test } from '@japa/runner'
import tenancy from '#tenancy/service'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import { jsonOutput, runAce } from '#tests/helpers/ace'
import { createBlog, schemaExists, uniqueName, appliedMigrations } from '#tests/helpers/tenants'

async function rows(schemaName: string, sql: string) {
  return (await db.rawQuery(sql.replaceAll('$schema', `"${schemaName}"`))).rows
}

const output = (result: { stdout: string; stderr: string }) => result.stdout + result.stderr

/*
 * What the main site's list of blogs sorts by: set by every path that writes posts.
 */
async function lastPostAt(schemaName: string): Promise<Date | null> {
  const { rows: found } = await db.rawQuery('select last_post_at from public.tenants where schema_name = ?', [schemaName])
  return found[0].last_post_at
}

async function newestPublication(schemaName: string): Promise<Date> {
  return (await rows(schemaName, 'select max(published_at) as at from $schema.posts where is_published'))[0].at
}

test.group('tenants:clone', () => {
  test('--with-data copies structure, rows, sequences, foreign keys and migration state', async ({
    assert,
    client,
  }) => {
    const source = await createBlog(uniqueName('clone_src'), { posts: 3 })
    await db.rawQuery(
      `create table "${source.schemaName}".comments (id serial primary key, post_id integer not null references "${source.schemaName}".posts (id), body text)`
    )
    await db.rawQuery(`insert into "${source.schemaName}".comments (post_id, body) values (1, 'first'), (2, 'second')`)
    const target = uniqueName('clone_dst')
    const result = await runAce(['tenants:clone', source.schemaName, target, '--with-data'])
    assert.equal(result.exitCode, 0, output(result))

    const sourcePosts = await rows(source.schemaName, 'select * from $schema.posts order by id')
    const targetPosts = await rows(target, 'select * from $schema.posts order by id')
    assert.deepEqual(targetPosts, sourcePosts)
    assert.deepEqual(await lastPostAt(target), await newestPublication(source.schemaName), 'the clone is listed with its posts')
    assert.deepEqual(await appliedMigrations(target), await appliedMigrations(source.schemaName))
    const [{ id }] = await rows(
      target,
      `insert into $schema.posts (title, slug, content, author_id, created_at)
       values ('new', 'new', 'c', ${sourcePosts[0].author_id}, now()) returning id`
    )
    assert.equal(id, 4)
    assert.deepEqual(
      await rows(target, 'select * from $schema.comments order by id'),
      await rows(source.schemaName, 'select * from $schema.comments order by id')
    )
    await assert.rejects(() => rows(target, `insert into $schema.comments (post_id, body) values (999, 'dangling')`))
    await rows(target, `insert into $schema.comments (post_id, body) values (4, 'on the copy')`)
    const [{ referenced }] = await rows(
      target,
      `select confrelid::regclass::text as referenced from pg_constraint
        where contype = 'f' and conrelid = '$schema.comments'::regclass`
    )
    assert.equal(referenced, `${target}.posts`)

    const names = (schema: string) =>
      rows(
        schema,
        `select 'index ' || indexname as name from pg_indexes where schemaname = '${schema}'
         union all select 'constraint ' || conname from pg_constraint where connamespace = '$schema'::regnamespace
         order by 1`
      )
    assert.deepEqual(await names(target), await names(source.schemaName), 'indexes and constraints keep their names')
    // The source has a table of its own (drift from the migrations); the clone exactly that.
    const { findings } = jsonOutput(await runAce(['tenants:doctor', '--json']))
    const driftOf = (schema: string) => findings.find((finding: any) => finding.kind === 'drift' && finding.subject === schema)?.detail.split('; ').sort()
    assert.include(driftOf(source.schemaName), 'unexpected column comments.body text')
    assert.deepEqual(driftOf(target), driftOf(source.schemaName), 'tenants:doctor sees the clone as its source')
    await assert.rejects(() =>
      rows(target, `insert into $schema.posts (title, slug, content, author_id, created_at) values ('x', 'post-1', 'c', ${sourcePosts[0].author_id}, now())`)
    )
    const [{ n }] = await rows(source.schemaName, 'select count(*)::int as n from $schema.posts')
    assert.equal(n, 3)

    const page = await client.get('/').header('host', `${target.replaceAll('_', '-')}.localhost`)
    page.assertStatus(200)
    assert.include(page.text(), `${source.schemaName} post 3`)
  }).timeout(60_000)

  test('--structure-only copies no rows but the migration state; bad input changes nothing', async ({
    assert,
  }) => {
    const source = await createBlog(uniqueName('clone_s'), { posts: 2 })
    const target = uniqueName('clone_t')
    const result = await runAce(['tenants:clone', source.schemaName, target, '--structure-only'])
    assert.equal(result.exitCode, 0, output(result))
    assert.deepEqual(await rows(target, 'select * from $schema.posts'), [])
    assert.isNull(await lastPostAt(target))
    assert.deepEqual(await appliedMigrations(target), await tenancy.migrator.names())

    const unknown = await runAce(['tenants:clone', 'no_such_source', uniqueName('clone_x')])
    assert.equal(unknown.exitCode, 1)
    assert.match(output(unknown), /No tenant/)
    const invalid = await runAce(['tenants:clone', source.schemaName, 'Bad-Name'])
    assert.equal(invalid.exitCode, 1)
    assert.match(output(invalid), /Invalid tenant name/)
    const taken = await runAce(['tenants:clone', source.schemaName, target])
    assert.equal(taken.exitCode, 1)
    assert.equal(await Tenant.query().where('schema_name', target).count('* as n').first().then((r: any) => Number(r.$extras.n)), 1)
  }).timeout(60_000)
})

test.group('tenants:rename', () => {
  test('renames the schema and row; the blog stays at its domain', async ({ assert, client }) => {
    const blog = await createBlog(uniqueName('ren'), { posts: 1 })
    const renamed = uniqueName('renamed')
    const result = await runAce(['tenants:rename', blog.schemaName, renamed])
    assert.equal(result.exitCode, 0, output(result))
    assert.isFalse(await schemaExists(blog.schemaName))
    assert.isTrue(await schemaExists(renamed))
    assert.equal((await Tenant.findOrFail(blog.id)).schemaName, renamed)

    const page = await client.get('/').header('host', blog.domain)
    page.assertStatus(200)
    assert.include(page.text(), `${blog.schemaName} post 1`)

    const other = await createBlog(uniqueName('ren_other'))
    const clash = await runAce(['tenants:rename', renamed, other.schemaName])
    assert.equal(clash.exitCode, 1)
    assert.isTrue(await schemaExists(renamed))
    assert.equal((await Tenant.findOrFail(blog.id)).schemaName, renamed)
  }).timeout(60_000)
})

test.group('tenants:domains', () => {
  test('adds, lists and removes domains; refuses bad, taken and last domains', async ({ assert, client }) => {
    const blog = await createBlog(uniqueName('dom'), { posts: 1 })
    const other = await createBlog(uniqueName('dom_other'))
    const extra = `${blog.schemaName.replaceAll('_', '-')}.example.test`

    const trial = await runAce(['tenants:domains:add', blog.schemaName, extra])
    assert.equal(trial.exitCode, 1)
    assert.include(output(trial), 'Custom domains are not part of the Free trial plan; the Basic plan includes this')
    assert.equal((await runAce(['tenants:plan', blog.schemaName, 'pro'])).exitCode, 0)
    const added = await runAce(['tenants:domains:add', blog.schemaName, extra.toUpperCase(), '--primary'])
    assert.equal(added.exitCode, 0, output(added))
    const page = await client.get('/').header('host', extra)
    page.assertStatus(200)
    assert.include(page.text(), `${blog.schemaName} post 1`)

    const listed = jsonOutput<any[]>(await runAce(['tenants:domains', blog.schemaName, '--json']))
    assert.deepEqual(listed, [
      { domain: extra, primary: true },
      { domain: blog.domain, primary: false },
    ])

    for (const bad of ['not a domain', 'a..b', '-x.test', 'localhost']) {
      const refused = await runAce(['tenants:domains:add', blog.schemaName, bad])
      assert.equal(refused.exitCode, 1, bad)
    }
    const taken = await runAce(['tenants:domains:add', blog.schemaName, other.domain])
    assert.equal(taken.exitCode, 1)
    assert.match(output(taken), /already taken/)

    const removed = await runAce(['tenants:domains:remove', blog.schemaName, extra])
    assert.equal(removed.exitCode, 0, output(removed))
    assert.match(output(removed), /primary domain/)
    const remaining = await Domain.query().where('tenant_id', blog.id)
    assert.deepEqual(remaining.map((domain) => [domain.domain, domain.isPrimary]), [[blog.domain, true]])

    const last = await runAce(['tenants:domains:remove', blog.schemaName, blog.domain])
    assert.equal(last.exitCode, 1)
    assert.match(output(last), /last domain/)
    assert.lengthOf(await Domain.query().where('tenant_id', blog.id), 1)
  }).timeout(120_000)
})

test.group('tenants:run and tenants:seed', () => {
  test('runs a command in each tenant scope and reports per tenant', async ({ assert }) => {
    const a = await createBlog(uniqueName('run_a'), { posts: 2 })
    const b = await createBlog(uniqueName('run_b'), { posts: 5 })
    const result = await runAce(['tenants:run', '--tenant', a.schemaName, '--tenant', b.schemaName, '--', 'posts:stats', '--json'])
    assert.equal(result.exitCode, 0, output(result))
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line))
    const summary = lines.pop()
    assert.sameDeepMembers(lines, [
      { tenant: a.schemaName, published: 2, drafts: 0 },
      { tenant: b.schemaName, published: 5, drafts: 0 },
    ])
    assert.deepEqual(summary, {
      command: 'posts:stats',
      tenants: 2,
      failed: 0,
      results: [a.schemaName, b.schemaName].sort().map((schema) => ({ schema, exitCode: 0 })),
    })

    await db.rawQuery(`update "${a.schemaName}".posts set is_published = false where id = 1`)
    const readable = await runAce(['tenants:run', '--tenant', a.schemaName, '--', 'posts:stats'])
    assert.include(output(readable), `${a.schemaName}: 1 published, 1 draft\n`)

    const unscoped = await runAce(['posts:stats'])
    assert.equal(unscoped.exitCode, 1)
    assert.match(output(unscoped), /needs a tenant/)
    const unknown = await runAce(['tenants:run', 'no:such-command', '--all'])
    assert.equal(unknown.exitCode, 1)
  }).timeout(60_000)

  test('seeds each tenant in its scope, once', async ({ assert }) => {
    const blog = await createBlog(uniqueName('seed'))
    for (let run = 0; run < 2; run++) {
      const result = await runAce(['tenants:seed', '--tenant', blog.schemaName])
      assert.equal(result.exitCode, 0, output(result))
    }
    const posts = await rows(blog.schemaName, 'select slug, author_id from $schema.posts')
    assert.deepEqual(posts, [{ slug: 'welcome', author_id: blog.ownerId }])
    assert.deepEqual(await lastPostAt(blog.schemaName), await newestPublication(blog.schemaName))
  }).timeout(60_000)
})

test.group('tenants:billing', () => {
  test('shows, extends and switches trial; lists expired blogs', async ({ assert }) => {
    const blog = await createBlog(uniqueName('bill'))
    await Tenant.query().where('id', blog.id).update({ paidUntil: DateTime.now().minus({ days: 3 }).toISODate() })

    const expired = jsonOutput<any[]>(await runAce(['tenants:list', '--expired', '--json']))
    assert.include(expired.map((row) => row.schema), blog.schemaName)

    const shown = jsonOutput(await runAce(['tenants:billing', blog.schemaName, '--json']))
    assert.isTrue(shown.expired)

    const extended = await runAce(['tenants:billing', blog.schemaName, '--extend-days', '30', '--trial', 'off'])
    assert.equal(extended.exitCode, 0, output(extended))
    const tenant = await Tenant.findOrFail(blog.id)
    assert.equal(tenant.paidUntil!.toISODate(), DateTime.now().plus({ days: 30 }).toISODate())
    assert.isFalse(tenant.onTrial)

    const bad = await runAce(['tenants:billing', blog.schemaName, '--paid-until', '31/01/2027'])
    assert.equal(bad.exitCode, 1)
    const set = await runAce(['tenants:billing', blog.schemaName, '--paid-until', '2030-01-31'])
    assert.equal(set.exitCode, 0)
    assert.equal((await Tenant.findOrFail(blog.id)).paidUntil!.toISODate(), '2030-01-31')
  }).timeout(60_000)
})

test.group('tenants:export and tenants:import', () => {
  test('a round trip is lossless; bad files and unknown authors import nothing', async ({ assert }) => {
    const blog = await createBlog(uniqueName('exp'), { posts: 3 })
    await db.rawQuery(`update "${blog.schemaName}".posts set is_published = false, title = 'Draft <b>&</b> "quoted"' where id = 2`)
    await mkdir(app.makePath('tmp'), { recursive: true })
    const file = app.makePath(`tmp/${blog.schemaName}.json`)
    const exported = await runAce(['tenants:export', blog.schemaName, '--out', file])
    assert.equal(exported.exitCode, 0, output(exported))

    const copy = uniqueName('imp')
    const imported = await runAce(['tenants:import', file, '--as', copy])
    assert.equal(imported.exitCode, 0, output(imported))
    assert.include(output(imported), `with 3 posts at ${copy.replaceAll('_', '-')}.localhost`, 'says where the blog is')
    assert.deepEqual(await lastPostAt(copy), await newestPublication(copy), 'the imported blog is listed with its posts')
    const again = jsonOutput(await runAce(['tenants:export', copy]))
    const original = JSON.parse(await readFile(file, 'utf8'))
    assert.deepEqual(again.posts, original.posts)
    assert.deepInclude(again.tenant, {
      name: original.tenant.name,
      tagline: original.tenant.tagline,
      owner: original.tenant.owner,
      paidUntil: original.tenant.paidUntil,
      onTrial: original.tenant.onTrial,
    })
    assert.deepEqual(again.tenant.domains, [{ domain: `${copy.replaceAll('_', '-')}.localhost`, isPrimary: true }])

    await writeFile(app.makePath('tmp/garbage.json'), '{"format":"something else"}')
    const garbage = await runAce(['tenants:import', app.makePath('tmp/garbage.json'), '--as', uniqueName('garbage')])
    assert.equal(garbage.exitCode, 1)
    assert.match(output(garbage), /Not an EchoBlogs tenant export/)

    const ghost = { ...original, posts: [{ ...original.posts[0], author: 'nobody_here' }] }
    await writeFile(app.makePath('tmp/ghost.json'), JSON.stringify(ghost))
    const ghostName = uniqueName('ghost')
    const refused = await runAce(['tenants:import', app.makePath('tmp/ghost.json'), '--as', ghostName])
    assert.equal(refused.exitCode, 1)
    assert.match(output(refused), /nobody_here/)
    assert.isFalse(await schemaExists(ghostName))
    assert.isNull(await Tenant.findBy('schemaName', ghostName))
  }).timeout(60_000)
})

test.group('tenants:doctor', () => {
  test('finds missing and orphan schemas, domain problems, pending migrations and drift; fixes the safe ones', async ({
    assert,
  }) => {
    const lost = await createBlog(uniqueName('doc_lost'))
    const behind = await createBlog(uniqueName('doc_behind'))
    const drifted = await createBlog(uniqueName('doc_drift'))
    const orphan = uniqueName('doc_orphan')
    await db.rawQuery(`drop schema "${lost.schemaName}" cascade`)
    await db.rawQuery(`create schema "${orphan}"`)
    await db.rawQuery(`create table "${orphan}".posts (id serial primary key, title text)`)
    await db.rawQuery(`delete from public.tenant_migrations where tenant_id = ?`, [behind.id])
    await db.rawQuery(`drop table "${behind.schemaName}".posts, "${behind.schemaName}".images`)
    await db.rawQuery(`alter table "${drifted.schemaName}".posts add column rogue integer`)
    await Domain.query().where('tenant_id', drifted.id).update({ isPrimary: false })

    const found = await runAce(['tenants:doctor', '--json'])
    assert.equal(found.exitCode, 1)
    const report = jsonOutput(found)
    const kinds = (subject: string) =>
      report.findings.filter((f: any) => f.subject === subject).map((f: any) => f.kind).sort()
    assert.deepEqual(kinds(lost.schemaName), ['missing-schema'])
    assert.deepEqual(kinds(orphan), ['orphan-schema'])
    assert.deepEqual(kinds(behind.schemaName), ['pending-migrations'])
    assert.deepEqual(kinds(drifted.schemaName), ['drift', 'no-primary-domain'])
    assert.match(
      report.findings.find((f: any) => f.kind === 'drift' && f.subject === drifted.schemaName).detail,
      /unexpected column posts.rogue integer/
    )

    const fixed = jsonOutput(await runAce(['tenants:doctor', '--fix', '--json']))
    const state = (subject: string, kind: string) =>
      fixed.findings.find((f: any) => f.subject === subject && f.kind === kind)?.fixed ?? false
    assert.isTrue(state(behind.schemaName, 'pending-migrations'))
    assert.isTrue(state(drifted.schemaName, 'no-primary-domain'))
    assert.isFalse(state(lost.schemaName, 'missing-schema'))
    assert.lengthOf(await rows(behind.schemaName, 'select * from $schema.posts'), 0)
    assert.isTrue((await Domain.findByOrFail('tenantId', drifted.id)).isPrimary)
  }).timeout(120_000)
})

test.group('Ace start-up', () => {
  test('an incomplete environment is one clear line, not a wrapped stack', async ({ assert }) => {
    const result = await runAce(['tenants:list'], { PORT: 'not-a-port' })
    assert.equal(result.exitCode, 1)
    const lines = output(result).trim().split('\n')
    assert.lengthOf(lines, 1, output(result))
    assert.match(lines[0], /^Cannot start, the environment is incomplete: .*"PORT".*Copy \.env\.example to \.env/)
  }).timeout(60_000)
})

