import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'tenants'

  async up() {
    this.schema.withSchema('public').createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('name', 255).notNullable()
      table.string('tagline', 255).nullable()
      table.string('schema_name', 63).notNullable().unique()
      table
        .integer('owner_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('public.users')
        .onDelete('SET NULL')
      table.date('paid_until').nullable()
      table.timestamp('last_post_at', { useTz: true }).nullable()
      table.boolean('on_trial').notNullable().defaultTo(true)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['owner_id'])
    })
  }

  async down() {
    this.schema.withSchema('public').dropTable(this.tableName)
  }
}
