import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Tags: a name as the writer typed it first and the slug its page lives at. post_tags is
 * read both ways: a post's tags (primary key) and a tag's posts (the second index).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('tags', (table) => {
      table.increments('id').notNullable()
      table.string('name', 50).notNullable()
      table.string('slug', 60).notNullable().unique()
    })
    this.schema.createTable('post_tags', (table) => {
      table.integer('post_id').notNullable().references('id').inTable('posts').onDelete('CASCADE')
      table.integer('tag_id').notNullable().references('id').inTable('tags').onDelete('CASCADE')
      table.primary(['post_id', 'tag_id'])
      table.index(['tag_id', 'post_id'])
    })
  }

  async down() {
    this.schema.dropTable('post_tags')
    this.schema.dropTable('tags')
  }
}
