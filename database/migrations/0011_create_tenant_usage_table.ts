import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Requests and bytes each blog was served, per day (UTC), added to by every server process
 * in batches (#services/usage_meter). One row per blog and day: 10,000 blogs over a year is
 * a few million narrow rows, read by `tenants:usage` through the primary key.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').createTable('tenant_usage', (table) => {
      table.integer('tenant_id').notNullable().references('id').inTable('public.tenants').onDelete('CASCADE')
      table.date('day').notNullable()
      table.bigInteger('cached_requests').notNullable().defaultTo(0)
      table.bigInteger('dynamic_requests').notNullable().defaultTo(0)
      table.bigInteger('bytes_served').notNullable().defaultTo(0)
      table.timestamp('last_request_at', { useTz: true }).notNullable()
      table.primary(['tenant_id', 'day'])
    })
  }

  async down() {
    this.schema.withSchema('public').dropTable('tenant_usage')
  }
}
