import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A domain added from the dashboard is a claim until its owner proves control of it with
 * a DNS TXT record holding `verification_token`; `verified_at` marks it proven. Only
 * verified domains serve a blog, and only they are unique: a pending claim by one blog
 * must not block the real owner, so pending names are unique per blog only, and the
 * verification decides. Every existing row is verified here (the column's default, which
 * 0015 drops: the tenancy layer says it on each insert). A primary domain is always a verified one.
 * The row triggers of 0008 already notify on every update, so verifying, promoting and
 * removing a domain reach every process's host cache.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('public.domains', (table) => {
      table.string('verification_token', 64).nullable()
      table.timestamp('verified_at', { useTz: true }).nullable().defaultTo(this.now())
    })
    this.schema.raw('alter table public.domains drop constraint domains_domain_unique')
    this.schema.raw(
      'create unique index domains_domain_unique on public.domains (domain) where verified_at is not null'
    )
    this.schema.raw(
      'create unique index domains_tenant_domain_unique on public.domains (tenant_id, domain)'
    )
    this.schema.raw(
      'alter table public.domains add constraint domains_primary_verified check (not is_primary or verified_at is not null)'
    )
  }

  async down() {
    this.schema.raw('delete from public.domains where verified_at is null')
    this.schema.raw('alter table public.domains drop constraint domains_primary_verified')
    this.schema.raw('drop index public.domains_tenant_domain_unique')
    this.schema.raw('drop index public.domains_domain_unique')
    this.schema.raw('alter table public.domains add constraint domains_domain_unique unique (domain)')
    this.schema.alterTable('public.domains', (table) => {
      table.dropColumn('verification_token')
      table.dropColumn('verified_at')
    })
  }
}
