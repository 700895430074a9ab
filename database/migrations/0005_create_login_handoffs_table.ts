import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * One row per cross-host login hand-off. The signed token alone could be replayed until it
 * expires; consuming its row makes it single-use.
 */
export default class extends BaseSchema {
  protected tableName = 'login_handoffs'

  async up() {
    this.schema.withSchema('public').createTable(this.tableName, (table) => {
      table.string('nonce', 64).primary()
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('public.users')
        .onDelete('CASCADE')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('public.tenants')
        .onDelete('CASCADE')
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('used_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['expires_at'])
    })
  }

  async down() {
    this.schema.withSchema('public').dropTable(this.tableName)
  }
}
