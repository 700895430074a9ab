import { BaseSchema } from '@adonisjs/lucid/schema'
import { renderStoredPosts } from '#services/post_rendering'

/*
 * Posts keep their rendered, sanitised HTML and excerpt beside the Markdown: pages, feeds
 * and listings read them and never parse Markdown. Existing posts are rendered here, so
 * `tenants:migrate` fills every blog in (a post that cannot be rendered in budget gets its
 * text as plain paragraphs).
 */
export default class extends BaseSchema {
  protected tableName = 'posts'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.text('html').nullable()
      table.text('excerpt').nullable()
    })
    this.defer(async (db) => {
      await renderStoredPosts(db)
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('html')
      table.dropColumn('excerpt')
    })
  }
}
