import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Each blog has a plan (config/plans.ts) and may have its own figures and features on top
 * of it. A blog on its free trial is on the trial plan, the others on basic; a blog's own
 * post limit becomes its `posts` override.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.string('plan', 32).notNullable().defaultTo('trial')
      table.jsonb('limit_overrides').notNullable().defaultTo('{}')
      table.jsonb('feature_overrides').notNullable().defaultTo('{}')
    })
    this.defer(async (db) => {
      await db.rawQuery(
        `update public.tenants
            set plan = case when on_trial then 'trial' else 'basic' end,
                limit_overrides = case when post_limit is null then '{}'::jsonb
                                       else jsonb_build_object('posts', post_limit) end`
      )
    })
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.dropColumn('post_limit')
    })
  }

  async down() {
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.integer('post_limit').nullable()
    })
    this.defer(async (db) => {
      await db.rawQuery(`update public.tenants set post_limit = (limit_overrides->>'posts')::int`)
    })
    this.schema.withSchema('public').alterTable('tenants', (table) => {
      table.dropColumn('plan')
      table.dropColumn('limit_overrides')
      table.dropColumn('feature_overrides')
    })
  }
}
