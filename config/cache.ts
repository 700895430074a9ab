import env from '#start/env'

/*
 * One memory budget per process for every in-process cache (CACHE_MEMORY_MB, default 64):
 * host lookups get an eighth, rendered pages the rest, and no blog more than
 * PAGE_CACHE_TENANT_SHARE of the pages. Each cache is a byte-bounded LRU
 * (app/tenancy/byte_lru.ts), whatever the number of blogs or the size of their pages.
 */
const totalBytes = env.get('CACHE_MEMORY_MB', 64) * 1024 * 1024
const hostsBytes = Math.floor(totalBytes / 8)

const cacheConfig = {
  totalBytes,
  hostsBytes,
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
     * staleness where no notice can arrive (writes made outside the app by SQL).
     */
    ttlMs: env.get('PAGE_CACHE_TTL_MS', 300_000),
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
