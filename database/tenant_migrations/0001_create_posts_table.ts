import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Tenant migrations run with search_path set to one tenant schema: tables stay
 * unqualified, references to shared tables name the public schema.
 */
export default class extends BaseSchema {
  protected tableName = 'posts'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('title', 255).notNullable()
      table.string('slug', 255).notNullable().unique()
      table.text('content').notNullable()
      table
        .integer('author_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('public.users')
        .onDelete('RESTRICT')
      table.boolean('is_published').notNullable().defaultTo(true)
      table.timestamp('published_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['is_published', 'published_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
