import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A blog's own post limit, when it differs from its plan's (config/blog.ts); null means
 * the plan decides. Set with `node ace tenants:billing <blog> --post-limit N`.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.integer('post_limit').nullable()
    })
  }

  async down() {
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.dropColumn('post_limit')
    })
  }
}
