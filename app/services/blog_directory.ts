import db from '@adonisjs/lucid/services/db'
import { tenancyEvents } from '#tenancy/tenancy_events'

export interface BlogSummary {
  name: string
  domain: string
  lastPostAt: Date | null
}

/*
 * The main site's list of blogs, from public rows only: publishing a post stamps its
 * tenant's last_post_at, so the list never reads every tenant schema. The list is kept
 * until any tenant or domain changes (a sign-up, a publication, a rename).
 */
let listing: Promise<BlogSummary[]> | null = null
const drop = () => (listing = null)
tenancyEvents.on('tenant', drop)
tenancyEvents.on('tenants', drop)

export const DIRECTORY_SIZE = 12

export function recentlyUpdatedBlogs(): Promise<BlogSummary[]> {
  if (listing) return listing
  const loading = load()
  listing = loading
  loading.catch(() => listing === loading && drop())
  return loading
}

async function load(): Promise<BlogSummary[]> {
  const rows = await db
    .from('public.tenants as t')
    .join('public.domains as d', (join) => {
      join.on('d.tenant_id', 't.id').andOnVal('d.is_primary', true)
    })
    .select('t.name', 'd.domain', 't.last_post_at')
    .orderByRaw('t.last_post_at desc nulls last, t.created_at desc')
    .limit(DIRECTORY_SIZE)
  return rows.map((row) => ({ name: row.name, domain: row.domain, lastPostAt: row.last_post_at }))
}
