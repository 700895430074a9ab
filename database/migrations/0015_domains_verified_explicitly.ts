import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Whether a domain is verified is said by whoever writes the row: with a default of now(),
 * an insert that forgot the column made a verified domain, one that serves a blog. The
 * tenancy layer now sets verified_at on every insert (tenant_domains, tenant_lifecycle,
 * tenant_transfer); a row written without it is pending.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw('alter table public.domains alter column verified_at drop default')
  }

  async down() {
    this.schema.raw('alter table public.domains alter column verified_at set default now()')
  }
}
