import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Tenant migrations run with search_path set to one tenant schema: tables stay
 * unqualified. author_id points at public.users without a foreign key on purpose: each
 * tenant's key would add two triggers to public.users (20,000 at 10,000 blogs), lock it on
 * every sign-up and slow every backend's first use of it. Users are never deleted while
 * they own posts; the app checks authors when it writes.
 */
export default class extends BaseSchema {
  protected tableName = 'posts'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('title', 255).notNullable()
      table.string('slug', 255).notNullable().unique()
      table.text('content').notNullable()
      table.integer('author_id').unsigned().notNullable().index()
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
