import db from '@adonisjs/lucid/services/db'

interface Tally {
  cached: number
  dynamic: number
  bytes: number
  lastAt: number
}

/*
 * Requests and bytes served per blog, counted in memory and added to public.tenant_usage
 * in one statement per flush, so no request waits on it. Counting is a Map lookup and
 * three additions: cheap enough for page-cache hits answered before the framework. The
 * map holds at most one entry per blog that was served since the last flush.
 */
export class UsageMeter {
  #tallies = new Map<number, Tally>()
  #flushing: Promise<void> | null = null

  count(tenantId: number, bytes: number, cached: boolean) {
    let tally = this.#tallies.get(tenantId)
    if (!tally) {
      tally = { cached: 0, dynamic: 0, bytes: 0, lastAt: 0 }
      this.#tallies.set(tenantId, tally)
    }
    if (cached) tally.cached++
    else tally.dynamic++
    tally.bytes += bytes
    tally.lastAt = Date.now()
  }

  get pending() {
    return this.#tallies.size
  }

  /*
   * Counts go to the day (UTC) of the flush. When the database cannot take them, they are
   * kept for the next flush. A blog deleted meanwhile is skipped by the join.
   */
  flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => (this.#flushing = null))
    return this.#flushing
  }

  async #write() {
    if (this.#tallies.size === 0) return
    const batch = this.#tallies
    this.#tallies = new Map()
    const ids: number[] = []
    const cached: number[] = []
    const dynamic: number[] = []
    const bytes: number[] = []
    const lastAt: string[] = []
    for (const [id, tally] of batch) {
      ids.push(id)
      cached.push(tally.cached)
      dynamic.push(tally.dynamic)
      bytes.push(tally.bytes)
      lastAt.push(new Date(tally.lastAt).toISOString())
    }
    try {
      await db.rawQuery(
        `insert into public.tenant_usage as u (tenant_id, day, cached_requests, dynamic_requests, bytes_served, last_request_at)
         select b.id, (now() at time zone 'utc')::date, b.cached, b.dynamic, b.bytes, b.last_at
           from unnest(?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::timestamptz[])
                as b(id, cached, dynamic, bytes, last_at)
           join public.tenants t on t.id = b.id
         on conflict (tenant_id, day) do update
            set cached_requests = u.cached_requests + excluded.cached_requests,
                dynamic_requests = u.dynamic_requests + excluded.dynamic_requests,
                bytes_served = u.bytes_served + excluded.bytes_served,
                last_request_at = greatest(u.last_request_at, excluded.last_request_at)`,
        [ids, cached, dynamic, bytes, lastAt]
      )
    } catch (error) {
      for (const [id, tally] of batch) {
        const current = this.#tallies.get(id)
        if (!current) this.#tallies.set(id, tally)
        else {
          current.cached += tally.cached
          current.dynamic += tally.dynamic
          current.bytes += tally.bytes
          current.lastAt = Math.max(current.lastAt, tally.lastAt)
        }
      }
      throw error
    }
  }
}

const usageMeter = new UsageMeter()
export default usageMeter
