import db from '@adonisjs/lucid/services/db'
import type { DateTime } from 'luxon'
import { postCountsBySchema, storageBytes } from '#tenancy/tenant_storage'

export interface UsageRow {
  schema: string
  name: string
  plan: string
  cachedRequests: number
  dynamicRequests: number
  requests: number
  bytesServed: number
  storageBytes: number
  posts: number
  lastRequestAt: string | null
  lastPostAt: string | null
}

export type UsageSort = 'requests' | 'storage'

/*
 * Each blog's requests and bytes since a day (from public.tenant_usage, as the servers
 * last flushed it), with its storage (the catalog, and the images by their rows) and its posts (counted for the rows
 * shown only, so `--top 10` over 10,000 blogs counts ten schemas).
 */
export async function usageReport(options: {
  since: DateTime
  sort: UsageSort
  top?: number
  countPosts?: boolean
}): Promise<UsageRow[]> {
  const { rows } = await db.rawQuery(
    `select t.schema_name, t.name, t.plan, t.last_post_at,
            coalesce(sum(u.cached_requests), 0)::bigint as cached,
            coalesce(sum(u.dynamic_requests), 0)::bigint as dynamic,
            coalesce(sum(u.bytes_served), 0)::bigint as bytes,
            max(u.last_request_at) as last_request_at
       from public.tenants t
       left join public.tenant_usage u on u.tenant_id = t.id and u.day >= ?
      group by t.id
      order by t.schema_name`,
    [options.since.toISODate()]
  )
  const storage = await storageBytes(db.connection(), rows.map((row: { schema_name: string }) => row.schema_name))
  const usage = rows.map((row: Record<string, any>) => ({
    schema: row.schema_name as string,
    name: row.name as string,
    plan: row.plan as string,
    cachedRequests: Number(row.cached),
    dynamicRequests: Number(row.dynamic),
    requests: Number(row.cached) + Number(row.dynamic),
    bytesServed: Number(row.bytes),
    storageBytes: storage.get(row.schema_name) ?? 0,
    lastRequestAt: row.last_request_at ? new Date(row.last_request_at).toISOString() : null,
    lastPostAt: row.last_post_at ? new Date(row.last_post_at).toISOString() : null,
  }))
  const key = options.sort === 'storage' ? 'storageBytes' : 'requests'
  usage.sort((a: UsageRow, b: UsageRow) => b[key] - a[key] || a.schema.localeCompare(b.schema))
  const shown: Omit<UsageRow, 'posts'>[] = options.top ? usage.slice(0, options.top) : usage
  // A blog whose schema is missing (tenants:doctor reports it) has no posts to count.
  const counted = options.countPosts === false ? [] : shown.map((row) => row.schema).filter((schema) => storage.has(schema))
  const posts = await postCountsBySchema(db.connection(), counted)
  return shown.map((row) => ({ ...row, posts: posts.get(row.schema) ?? 0 }))
}
