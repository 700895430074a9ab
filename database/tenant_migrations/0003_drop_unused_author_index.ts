import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * No query looks posts up by author (pages join the author from posts), and every index
 * is one more relation each PostgreSQL backend caches per tenant: the index goes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('posts', (table) => {
      table.dropIndex(['author_id'])
    })
  }

  async down() {
    this.schema.alterTable('posts', (table) => {
      table.index(['author_id'])
    })
  }
}
