import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Tenancy notifications name what changed, so every app process drops only the cached
 * hosts and pages of the tenants involved: `tenant:<id>` for a tenant row, and
 * `domain:<tenant id>:<domain>` for a domain row (old and new values), `all` for a
 * TRUNCATE. PostgreSQL folds identical notifications of one transaction into one.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      create or replace function public.notify_tenancy_row_change() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'tenants' then
          if tg_op <> 'INSERT' then perform pg_notify('echoblogs_tenancy', 'tenant:' || old.id); end if;
          if tg_op <> 'DELETE' then perform pg_notify('echoblogs_tenancy', 'tenant:' || new.id); end if;
        else
          if tg_op <> 'INSERT' then perform pg_notify('echoblogs_tenancy', 'domain:' || old.tenant_id || ':' || old.domain); end if;
          if tg_op <> 'DELETE' then perform pg_notify('echoblogs_tenancy', 'domain:' || new.tenant_id || ':' || new.domain); end if;
        end if;
        return null;
      end
      $$
    `)
    this.schema.raw(`
      create or replace function public.notify_tenancy_truncate() returns trigger language plpgsql as $$
      begin
        perform pg_notify('echoblogs_tenancy', 'all');
        return null;
      end
      $$
    `)
    for (const table of ['tenants', 'domains']) {
      this.schema.raw(`drop trigger if exists ${table}_notify_tenancy_change on public.${table}`)
      this.schema.raw(`
        create trigger ${table}_notify_tenancy_row_change
        after insert or update or delete on public.${table}
        for each row execute function public.notify_tenancy_row_change()
      `)
      this.schema.raw(`
        create trigger ${table}_notify_tenancy_truncate
        after truncate on public.${table}
        for each statement execute function public.notify_tenancy_truncate()
      `)
    }
    this.schema.raw('drop function if exists public.notify_tenancy_change()')
  }

  async down() {
    for (const table of ['tenants', 'domains']) {
      this.schema.raw(`drop trigger if exists ${table}_notify_tenancy_row_change on public.${table}`)
      this.schema.raw(`drop trigger if exists ${table}_notify_tenancy_truncate on public.${table}`)
      this.schema.raw(`
        create or replace function public.notify_tenancy_change() returns trigger language plpgsql as $$
        begin
          perform pg_notify('echoblogs_tenancy', tg_table_name);
          return null;
        end
        $$
      `)
      this.schema.raw(`
        create trigger ${table}_notify_tenancy_change
        after insert or update or delete or truncate on public.${table}
        for each statement execute function public.notify_tenancy_change()
      `)
    }
    this.schema.raw('drop function if exists public.notify_tenancy_row_change()')
    this.schema.raw('drop function if exists public.notify_tenancy_truncate()')
  }
}
