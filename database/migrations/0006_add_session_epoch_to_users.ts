import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Sessions live in signed cookies, so the server cannot delete one. Each login records the
 * user's epoch in the session; logging out bumps it, which voids every copy of every
 * session of that user (see app/middleware/session_binding.ts).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').alterTable('users', (table) => {
      table.integer('session_epoch').notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.withSchema('public').alterTable('users', (table) => {
      table.dropColumn('session_epoch')
    })
  }
}
