import { brotliCompressSync, constants, gunzipSync, gzipSync } from 'node:zlib'
import cacheConfig from '#config/cache'
import { ByteLru } from '#tenancy/byte_lru'
import { tenancyEvents } from '#tenancy/tenancy_events'
import { etagOf, type PageHeads } from '#services/page_delivery'

/*
 * A public page as every anonymous visitor gets it: its shared headers, its body stored
 * compressed (gzip and brotli, made once when the page is stored) and its validators.
 */
export interface CachedPage {
  headers: Record<string, string>
  gzip: Buffer
  br: Buffer
  identityLength: number
  etag: string
  lastModified: string
  expiresAt: number
  /* Made at the first hit (#services/page_delivery). */
  heads?: PageHeads
}

/*
 * Whole pages of a blog as an anonymous visitor sees them, per tenant and canonical page
 * (#services/public_pages), stored compressed within the page share of the memory budget,
 * no blog above its own share of that. Clients that do not accept compression are served
 * from a small set of recently used uncompressed bodies, or the gzip is inflated for them.
 * Entries go when the tenant's content changes (a write committed in any process), when
 * the tenant or its domains change, and after a TTL that only backs up the notifications.
 * A fill that raced with a change is not kept: each tenant has a generation number.
 */
export class PageCache {
  #pages: ByteLru<CachedPage>
  #plain: ByteLru<Buffer>
  #generations = new Map<number, number>()
  #epoch = 0
  readonly stats = { hits: 0, misses: 0, fills: 0 }

  constructor(
    private ttlMs: number,
    maxBytes: number,
    tenantShare: number
  ) {
    const plainBytes = Math.floor(maxBytes / 4)
    this.#pages = new ByteLru(maxBytes - plainBytes, Math.floor((maxBytes - plainBytes) * tenantShare))
    this.#plain = new ByteLru(plainBytes, Math.floor(plainBytes * tenantShare))
    tenancyEvents.on('content', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenant', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenants', () => this.clear())
  }

  get bytes() {
    return this.#pages.bytes + this.#plain.bytes
  }

  get entries() {
    return this.#pages.size
  }

  tenantBytes(tenantId: number) {
    return this.#pages.groupBytes(tenantId) + this.#plain.groupBytes(tenantId)
  }

  generation(tenantId: number) {
    return `${this.#epoch}.${this.#generations.get(tenantId) ?? 0}`
  }

  get(tenantId: number, key: string): CachedPage | undefined {
    const cacheKey = `${tenantId} ${key}`
    const page = this.#pages.get(cacheKey)
    if (page && page.expiresAt > Date.now()) {
      this.stats.hits++
      return page
    }
    if (page) this.#pages.delete(cacheKey)
    this.stats.misses++
    return undefined
  }

  /*
   * Stores a freshly rendered page (unless the tenant changed while it rendered) and
   * returns the entry, which the first visitor is served from too.
   */
  set(tenantId: number, key: string, generation: string, headers: Record<string, string>, body: Buffer) {
    const page: CachedPage = {
      headers,
      gzip: compact(gzipSync(body, { level: 6 })),
      br: compact(
        brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        })
      ),
      identityLength: body.length,
      etag: etagOf(body),
      lastModified: new Date().toUTCString(),
      expiresAt: Date.now() + this.ttlMs,
    }
    if (generation !== this.generation(tenantId)) return page
    const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0)
    const cacheKey = `${tenantId} ${key}`
    this.#plain.set(cacheKey, compact(body), body.length, tenantId)
    if (this.#pages.set(cacheKey, page, page.gzip.length + page.br.length + headerBytes + 120, tenantId)) {
      this.stats.fills++
    }
    return page
  }

  /*
   * The uncompressed body, for clients that accept no compression.
   */
  plain(tenantId: number, key: string, page: CachedPage): Buffer {
    const cacheKey = `${tenantId} ${key}`
    const kept = this.#plain.get(cacheKey)
    if (kept) return kept
    const body = compact(gunzipSync(page.gzip))
    this.#plain.set(cacheKey, body, body.length, tenantId)
    return body
  }

  invalidate(tenantId: number) {
    this.#generations.set(tenantId, (this.#generations.get(tenantId) ?? 0) + 1)
    this.#pages.deleteGroup(tenantId)
    this.#plain.deleteGroup(tenantId)
  }

  clear() {
    this.#epoch++
    this.#generations.clear()
    this.#pages.clear()
    this.#plain.clear()
  }
}

const pageCache = new PageCache(
  cacheConfig.pages.ttlMs,
  cacheConfig.pages.maxBytes,
  cacheConfig.pages.tenantShare
)
export default pageCache

/*
 * A copy in memory of its own size. zlib hands back slices of 16 KB chunks and small
 * buffers are slices of shared 8 KB slabs: kept in a cache, a 1 KB page would hold on to
 * 16 KB, and the byte budget would count a sixteenth of what is really held.
 */
function compact(buffer: Buffer): Buffer {
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length) return buffer
  const copy = Buffer.allocUnsafeSlow(buffer.length)
  buffer.copy(copy)
  return copy
}
