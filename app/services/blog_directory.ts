import db from '@adonisjs/lucid/services/db'

export interface BlogSummary {
  name: string
  domain: string
  lastPostAt: Date | null
}

/*
 * The main site's list of blogs, from public rows only: publishing a post stamps its
 * tenant's last_post_at, so the list never reads every tenant schema.
 */
export async function recentlyUpdatedBlogs(limit: number): Promise<BlogSummary[]> {
  const rows = await db
    .from('public.tenants as t')
    .join('public.domains as d', (join) => {
      join.on('d.tenant_id', 't.id').andOnVal('d.is_primary', true)
    })
    .select('t.name', 'd.domain', 't.last_post_at')
    .orderByRaw('t.last_post_at desc nulls last, t.created_at desc')
    .limit(limit)
  return rows.map((row) => ({ name: row.name, domain: row.domain, lastPostAt: row.last_post_at }))
}
