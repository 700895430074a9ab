import env from '#start/env'

/*
 * One memory budget per process for every in-process cache (CACHE_MEMORY_MB, default 64):
 * host lookups get an eighth, rendered pages the rest, and no blog more than
 * PAGE_CACHE_TENANT_SHARE of the pages. Each cache is a byte-bounded LRU
 * (app/tenancy/byte_lru.ts), whatever the number of blogs or the size of their pages.
 */
const totalBytes = env.get('CACHE_MEMORY_MB', 64) * 1024 * 1024
const hostsBytes = Math.floor(totalBytes / 8)

/*
 * Every process LISTENs for the notifications of committed writes and tenancy changes and
 * drops what they make stale at once, so expiry is only a backstop and can be long. LISTEN
 * needs a session of its own: turn it off behind a transaction-mode PgBouncer, and the
 * shorter TTLs then bound how long a change made elsewhere can be served stale.
 */
const listen = env.get('TENANT_CACHE_LISTEN', true)

const cacheConfig = {
  totalBytes,
  hostsBytes,
  listen,
  pages: {
    maxBytes: totalBytes - hostsBytes,
    tenantShare: env.get('PAGE_CACHE_TENANT_SHARE', 0.1),
    /*
     * PAGE_CACHE=off renders every page (to measure the dynamic path); HTTP caching
     * headers still apply.
     */
    enabled: env.get('PAGE_CACHE', 'on') === 'on',
    /*
     * Writes drop a blog's pages at once, in every process (NOTIFY); the TTL only bounds
     * staleness where no notice can arrive (writes made outside the app by SQL, or no
     * LISTEN). Each expiry is a render: 10,000 blogs at 5 minutes would re-render 33
     * home pages a second in every worker for nothing.
     */
    ttlMs: env.get('PAGE_CACHE_TTL_MS', listen ? 3_600_000 : 300_000),
  },

  /*
   * What browsers (max-age) and shared caches (s-maxage) may keep of a public page before
   * they ask again; the ETag makes asking cheap (304).
   */
  http: {
    maxAgeSeconds: env.get('HTTP_CACHE_MAX_AGE', 0),
    sharedMaxAgeSeconds: env.get('HTTP_CACHE_S_MAXAGE', 60),
  },
}

export default cacheConfig
