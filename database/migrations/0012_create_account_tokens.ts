import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Accounts by mail. A user's address counts as theirs once they open a link sent to it
 * (email_verified_at); the accounts that existed before verification was asked for are
 * taken as verified, since they could publish already.
 *
 * account_tokens holds the links sent by mail (verification, password reset, change of
 * address): only a SHA-256 of each token is stored, so a copy of the table opens nothing.
 * A token is used once (used_at) and expires (expires_at).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').alterTable('users', (table) => {
      table.timestamp('email_verified_at', { useTz: true }).nullable()
    })
    this.defer(async (db) => {
      await db.rawQuery('update public.users set email_verified_at = created_at where email_verified_at is null')
    })
    this.schema.withSchema('public').createTable('account_tokens', (table) => {
      table.increments('id').notNullable()
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('public.users')
        .onDelete('CASCADE')
      table.string('purpose', 20).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.string('new_email', 254).nullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('used_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['user_id', 'purpose'])
      table.index(['expires_at'])
    })
  }

  async down() {
    this.schema.withSchema('public').dropTable('account_tokens')
    this.schema.withSchema('public').alterTable('users', (table) => {
      table.dropColumn('email_verified_at')
    })
  }
}
