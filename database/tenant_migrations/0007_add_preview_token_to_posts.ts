import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A draft's private preview link: an unguessable token the owner can share and revoke.
 * It is kept as it is (not hashed) because the owner sees the link again in the editor;
 * it only ever shows an unpublished post.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('posts', (table) => {
      table.string('preview_token', 64).nullable().unique()
    })
  }

  async down() {
    this.schema.alterTable('posts', (table) => {
      table.dropColumn('preview_token')
    })
  }
}
