import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { quoteSchema } from '#tenancy/schema_name'

/*
 * Sets a tenant's last_post_at (what the main site's list of blogs sorts by) from the
 * posts its schema holds: for paths that write posts in bulk (import, clone with data,
 * seeders), where the dashboard's per-publication stamp never runs.
 */
export async function recordLastPost(client: QueryClientContract, tenantId: number, schemaName: string) {
  await client.rawQuery(
    `update public.tenants
        set last_post_at = (select max(coalesce(published_at, created_at))
                              from ${quoteSchema(schemaName)}.posts
                             where is_published and (published_at is null or published_at <= clock_timestamp()))
      where id = ?`,
    [tenantId]
  )
}
