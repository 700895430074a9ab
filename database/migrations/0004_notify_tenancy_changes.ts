import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Every app process caches host → tenant lookups. Any change to tenants or domains, by
 * this app, an Ace command or plain SQL, notifies them so the caches drop stale entries.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      create function public.notify_tenancy_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('echoblogs_tenancy', tg_table_name);
        return null;
      end
      $$
    `)
    for (const table of ['tenants', 'domains']) {
      this.schema.raw(`
        create trigger ${table}_notify_tenancy_change
        after insert or update or delete or truncate on public.${table}
        for each statement execute function public.notify_tenancy_change()
      `)
    }
  }

  async down() {
    this.schema.raw('drop trigger if exists domains_notify_tenancy_change on public.domains')
    this.schema.raw('drop trigger if exists tenants_notify_tenancy_change on public.tenants')
    this.schema.raw('drop function if exists public.notify_tenancy_change()')
  }
}
