import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'domains'

  async up() {
    this.schema.withSchema('public').createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('domain', 253).notNullable().unique()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('public.tenants')
        .onDelete('CASCADE')
      table.boolean('is_primary').notNullable().defaultTo(false)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['tenant_id'])
    })
    this.schema.raw(
      'create unique index domains_one_primary_per_tenant on public.domains (tenant_id) where is_primary'
    )
  }

  async down() {
    this.schema.withSchema('public').dropTable(this.tableName)
  }
}
