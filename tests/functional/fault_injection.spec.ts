import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import tenancy from '#tenancy/service'
import { TenantLifecycle } from '#tenancy/tenant_lifecycle'
import { TenantMigrator } from '#tenancy/tenant_migrator'
import { schemaExists, uniqueName, appliedMigrations } from '#tests/helpers/tenants'

/*
 * Faults are injected by PostgreSQL itself (event triggers and row triggers that raise for
 * one chosen name), so the code under test runs unchanged. Each case asserts that nothing
 * is left behind and that the same name can then be created.
 */
type Fault = { name: string; install: () => string[]; remove: string[] }

/*
 * A fault raised by an event trigger on `tags` when `condition` (SQL over
 * pg_event_trigger_ddl_commands()) holds.
 */
function ddlFault(name: string, tags: string[], condition: string, message: string): Fault {
  return {
    name,
    install: () => [
      `create function public.fault_ddl() returns event_trigger language plpgsql as $$
       begin
         if exists (select 1 from pg_event_trigger_ddl_commands() where ${condition}) then
           raise exception 'injected fault: ${message}';
         end if;
       end $$`,
      `create event trigger fault_ddl on ddl_command_end when tag in (${tags.map((tag) => `'${tag}'`).join(', ')})
       execute function public.fault_ddl()`,
    ],
    remove: ['drop event trigger if exists fault_ddl', 'drop function if exists public.fault_ddl()'],
  }
}

/*
 * A fault raised by a row trigger before inserts into `table` when `condition` holds.
 */
function rowFault(name: string, table: string, condition: string, message: string): Fault {
  return {
    name,
    install: () => [
      `create function public.fault_row() returns trigger language plpgsql as $$
       begin
         if ${condition} then raise exception 'injected fault: ${message}'; end if;
         return new;
       end $$`,
      `create trigger fault_row before insert on public.${table} for each row execute function public.fault_row()`,
    ],
    remove: [`drop trigger if exists fault_row on public.${table}`, 'drop function if exists public.fault_row()'],
  }
}

const FAULTS = (schemaName: string, domain: string): Fault[] => [
  ddlFault('schema creation', ['CREATE SCHEMA'], `object_identity = '${schemaName}'`, 'schema creation'),
  ddlFault('the posts migration', ['CREATE TABLE'], `object_identity = '${schemaName}.posts'`, 'tenant migration'),
  rowFault('the tenant row', 'tenants', `new.schema_name = '${schemaName}'`, 'tenant row'),
  rowFault('the domain row', 'domains', `new.domain = '${domain}'`, 'domain row'),
]

async function assertNothingLeft(assert: any, schemaName: string, domain: string) {
  assert.isFalse(await schemaExists(schemaName), 'schema left behind')
  assert.isNull(await Tenant.findBy('schemaName', schemaName), 'tenant row left behind')
  assert.isNull(await Domain.findBy('domain', domain), 'domain left behind')
}

test.group('Fault injection in tenant creation', () => {
  for (const [step, { name }] of FAULTS('', '').entries()) {
    test(`a failure in ${name} leaves nothing behind`, async ({ assert }) => {
      const schemaName = uniqueName('fault')
      const domain = tenancy.lifecycle.defaultDomain(schemaName)
      const fault = FAULTS(schemaName, domain)[step]
      for (const sql of fault.install()) await db.rawQuery(sql)
      try {
        await assert.rejects(
          () => tenancy.lifecycle.create({ name: 'x', schemaName }),
          /injected fault/
        )
      } finally {
        for (const sql of fault.remove) await db.rawQuery(sql)
      }
      await assertNothingLeft(assert, schemaName, domain)
      await tenancy.lifecycle.create({ name: 'x', schemaName })
      assert.isTrue(await schemaExists(schemaName))
    })
  }

  test('a failure in each tenant migration in turn leaves nothing behind', async ({ assert }) => {
    await mkdir(app.makePath('tmp'), { recursive: true })
    const directory = await mkdtemp(app.makePath('tmp/tenant-migrations-'))
    try {
      await cp(app.makePath('database/tenant_migrations'), directory, { recursive: true })
      const steps = ['0101_add_summary', '0102_add_views']
      await writeFile(
        join(directory, `${steps[0]}.ts`),
        `import { BaseSchema } from '@adonisjs/lucid/schema'
export default class extends BaseSchema {
  async up() { this.schema.alterTable('posts', (t) => { t.text('summary').nullable() }) }
}
`
      )
      await writeFile(
        join(directory, `${steps[1]}.ts`),
        `import { BaseSchema } from '@adonisjs/lucid/schema'
export default class extends BaseSchema {
  async up() { this.schema.alterTable('posts', (t) => { t.integer('views').notNullable().defaultTo(0) }) }
}
`
      )
      const lifecycle = new TenantLifecycle(new TenantMigrator(directory), 'localhost', () => {})
      for (const column of ['summary', 'views']) {
        const schemaName = uniqueName('fault_mig')
        const domain = lifecycle.defaultDomain(schemaName)
        await db.rawQuery(`
          create function public.fault_column() returns event_trigger language plpgsql as $$
          begin
            if exists (select 1 from pg_event_trigger_ddl_commands()
                        where object_identity = '${schemaName}.posts' and command_tag = 'ALTER TABLE')
               and exists (select 1 from information_schema.columns
                            where table_schema = '${schemaName}' and column_name = '${column}') then
              raise exception 'injected fault: migration adding ${column}';
            end if;
          end $$`)
        await db.rawQuery(
          `create event trigger fault_column on ddl_command_end when tag in ('ALTER TABLE') execute function public.fault_column()`
        )
        try {
          await assert.rejects(() => lifecycle.create({ name: 'x', schemaName }), new RegExp(column))
        } finally {
          await db.rawQuery('drop event trigger if exists fault_column')
          await db.rawQuery('drop function if exists public.fault_column()')
        }
        await assertNothingLeft(assert, schemaName, domain)
        await lifecycle.create({ name: 'x', schemaName })
        assert.deepEqual(await appliedMigrations(schemaName), [...(await tenancy.migrator.names()), ...steps])
      }
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  test('a failure while deleting leaves the tenant whole', async ({ assert }) => {
    const schemaName = uniqueName('fault_del')
    await tenancy.lifecycle.create({ name: 'x', schemaName })
    const domain = tenancy.lifecycle.defaultDomain(schemaName)
    await db.rawQuery(`
      create function public.fault_drop() returns event_trigger language plpgsql as $$
      begin
        if exists (select 1 from pg_event_trigger_dropped_objects() where object_type = 'schema' and object_name = '${schemaName}') then
          raise exception 'injected fault: drop schema';
        end if;
      end $$`)
    await db.rawQuery(`create event trigger fault_drop on sql_drop execute function public.fault_drop()`)
    try {
      await assert.rejects(() => tenancy.lifecycle.delete(schemaName), /injected fault/)
    } finally {
      await db.rawQuery('drop event trigger if exists fault_drop')
      await db.rawQuery('drop function if exists public.fault_drop()')
    }
    assert.isTrue(await schemaExists(schemaName))
    assert.isNotNull(await Tenant.findBy('schemaName', schemaName))
    assert.isNotNull(await Domain.findBy('domain', domain))
  })
})
