import { BaseSchema } from '@adonisjs/lucid/schema'
import { quoteSchema } from '#tenancy/schema_name'

/*
 * Which tenant migrations each tenant has applied moves from a table in every tenant
 * schema (three relations each: table, key, sequence) to one public table. Every
 * PostgreSQL backend caches the catalog entries of each relation it touches, and
 * pg_dump locks each one: fewer relations per tenant help both at 10,000 tenants.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').createTable('tenant_migrations', (table) => {
      table.increments('id').notNullable()
      table.integer('tenant_id').notNullable().references('id').inTable('public.tenants').onDelete('CASCADE')
      table.string('name', 255).notNullable()
      table.integer('batch').notNullable()
      table.timestamp('migrated_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['tenant_id', 'name'])
    })
    this.defer(async (db) => {
      const { rows } = await db.rawQuery(
        `select t.id, t.schema_name from public.tenants t
           join information_schema.tables s on s.table_schema = t.schema_name and s.table_name = 'schema_migrations'
          order by t.id`
      )
      for (const tenant of rows as { id: number; schema_name: string }[]) {
        const schema = quoteSchema(tenant.schema_name)
        await db.rawQuery(
          `insert into public.tenant_migrations (tenant_id, name, batch, migrated_at)
           select ?, name, batch, migrated_at from ${schema}.schema_migrations order by id`,
          [tenant.id]
        )
        await db.rawQuery(`drop table ${schema}.schema_migrations`)
      }
    })
  }

  async down() {
    this.defer(async (db) => {
      const { rows } = await db.rawQuery('select id, schema_name from public.tenants order by id')
      for (const tenant of rows as { id: number; schema_name: string }[]) {
        const schema = quoteSchema(tenant.schema_name)
        await db.rawQuery(
          `create table if not exists ${schema}.schema_migrations (
             id serial primary key, name varchar(255) not null unique, batch integer not null,
             migrated_at timestamptz not null default now())`
        )
        await db.rawQuery(
          `insert into ${schema}.schema_migrations (name, batch, migrated_at)
           select name, batch, migrated_at from public.tenant_migrations where tenant_id = ? order by id`,
          [tenant.id]
        )
      }
    })
    this.schema.withSchema('public').dropTable('tenant_migrations')
  }
}
