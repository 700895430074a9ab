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
     * Writes drop a blog's pages at once, in every process (NOTIFY); the TTL only bounds
     * staleness where no notice can arrive (writes made outside the app).
     */
    ttlMs: env.get('PAGE_CACHE_TTL_MS', 10_000),
  },
}

export default cacheConfig
