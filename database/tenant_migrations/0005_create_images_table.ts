import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The blog's uploaded images (#services/images): the bytes live on the Drive disk under
 * the blog's prefix (#tenancy/tenant_media), a row here says what they are. The key is
 * the primary key and the file's name, so a served image needs no query. A post may have
 * one of them as its cover; deleting the image clears the cover. Few relations on purpose
 * (every PostgreSQL backend caches each relation of each schema it touches): no serial,
 * no index on posts.cover_image_key (image deletions are rare and a blog's posts few
 * enough to scan).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('images', (table) => {
      table.string('key', 64).primary()
      table.string('original_name', 255).notNullable()
      table.string('mime_type', 32).notNullable()
      table.integer('bytes').notNullable()
      table.integer('width').nullable()
      table.integer('height').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.alterTable('posts', (table) => {
      table.string('cover_image_key', 64).nullable().references('key').inTable('images').onDelete('SET NULL')
    })
  }

  async down() {
    this.schema.alterTable('posts', (table) => {
      table.dropColumn('cover_image_key')
    })
    this.schema.dropTable('images')
  }
}
