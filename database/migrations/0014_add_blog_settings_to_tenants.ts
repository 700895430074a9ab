import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A blog's reader-facing settings. Every existing blog keeps today's look: no description,
 * the installation's posts per page (null: BLOG_POSTS_PER_PAGE), the default theme and no
 * navigation links. The host resolver caches these with the row (TenantRef).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.text('description').nullable()
      table.smallint('posts_per_page').nullable()
      table.string('theme', 32).notNullable().defaultTo('plain')
      table.jsonb('nav_links').notNullable().defaultTo('[]')
      table.check('posts_per_page between 1 and 50', {}, 'tenants_posts_per_page_range')
    })
  }

  async down() {
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.dropColumn('description')
      table.dropColumn('posts_per_page')
      table.dropColumn('theme')
      table.dropColumn('nav_links')
    })
  }
}
