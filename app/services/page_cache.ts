import { brotliCompressSync, constants, gunzipSync, gzipSync } from 'node:zlib'
import cacheConfig from '#config/cache'
import { ByteLru } from '#tenancy/byte_lru'
import { tenancyEvents } from '#tenancy/tenancy_events'
import { deliver, etagOf, type PageHeads, type PageRequest } from '#services/page_delivery'

/*
 * A public page as every anonymous visitor gets it: its shared headers, its body stored
 * gzipped and its validators. The brotli copy, made at the same time, is kept apart.
 */
export interface CachedPage {
  headers: Record<string, string>
  gzip: Buffer
  brLength: number
  identityLength: number
  etag: string
  lastModified: string
  expiresAt: number
  /* Made at the first hit (#services/page_delivery). */
  heads?: PageHeads
}

/*
 * A brotli or plain body of one stored page: checked against the page it was made from,
 * so a visitor served an older page never gets a newer page's bytes under its headers.
 */
interface Copy {
  page: CachedPage
  body: Buffer
}

/*
 * Whole pages of a blog as an anonymous visitor sees them, per tenant and canonical page
 * (#services/public_pages), within the page share of the memory budget, no blog above its
 * own share of that. Every stored page keeps its gzip (five eighths of the share: the
 * home pages of 10,000 blogs fit in one worker's default budget). Plain bodies (a quarter)
 * and brotli copies (an eighth) are kept for recently used pages only: a client that
 * accepts no compression gets the gzip inflated for the others (which costs more than
 * anything else on a hit, so plain bodies get the larger share), and one that accepts
 * brotli gets gzip. Nothing is compressed on a hit. Entries go when the tenant's content changes (a write committed in any process), when
 * the tenant or its domains change, and after a TTL that only backs up the notifications.
 * A fill that raced with a change is not kept: each tenant has a generation number.
 */
export class PageCache {
  #pages: ByteLru<CachedPage>
  #brotli: ByteLru<Copy>
  #plain: ByteLru<Copy>
  #plainReuse = new ReuseRate()
  #generations = new Map<number, number>()
  #epoch = 0
  readonly stats = { hits: 0, misses: 0, fills: 0 }

  constructor(
    private ttlMs: number,
    maxBytes: number,
    tenantShare: number
  ) {
    const eighth = Math.floor(maxBytes / 8)
    const pagesBytes = maxBytes - 3 * eighth
    this.#pages = new ByteLru(pagesBytes, Math.floor(pagesBytes * tenantShare))
    this.#brotli = new ByteLru(eighth, Math.floor(eighth * tenantShare))
    this.#plain = new ByteLru(2 * eighth, Math.floor(2 * eighth * tenantShare))
    tenancyEvents.on('content', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenant', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenants', () => this.clear())
  }

  get bytes() {
    return this.#pages.bytes + this.#brotli.bytes + this.#plain.bytes
  }

  get entries() {
    return this.#pages.size
  }

  tenantBytes(tenantId: number) {
    return this.#pages.groupBytes(tenantId) + this.#brotli.groupBytes(tenantId) + this.#plain.groupBytes(tenantId)
  }

  generation(tenantId: number) {
    return `${this.#epoch}.${this.#generations.get(tenantId) ?? 0}`
  }

  /*
   * The stored page, if current. Callers count hits and misses: a miss before the
   * framework runs is looked up again inside it, and counts once.
   */
  get(tenantId: number, key: string): CachedPage | undefined {
    const cacheKey = `${tenantId} ${key}`
    const page = this.#pages.get(cacheKey)
    if (page && page.expiresAt > Date.now()) return page
    if (page) this.#pages.delete(cacheKey)
    return undefined
  }

  /*
   * Stores a freshly rendered page (unless the tenant changed while it rendered) and
   * returns the entry, which the first visitor is served from too. `notAfter` (ms since
   * the epoch) ends it sooner than the TTL: when the blog's next scheduled post appears.
   */
  set(
    tenantId: number,
    key: string,
    generation: string,
    headers: Record<string, string>,
    body: Buffer,
    notAfter: number | null = null
  ) {
    const br = compact(
      brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      })
    )
    const page: CachedPage = {
      headers,
      gzip: compact(gzipSync(body, { level: 6 })),
      brLength: br.length,
      identityLength: body.length,
      etag: etagOf(body),
      lastModified: new Date().toUTCString(),
      expiresAt: Math.min(Date.now() + this.ttlMs, notAfter ?? Infinity),
    }
    if (generation !== this.generation(tenantId)) return page
    const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0)
    const cacheKey = `${tenantId} ${key}`
    if (!this.#pages.set(cacheKey, page, page.gzip.length + headerBytes + 120, tenantId)) {
      this.#brotli.delete(cacheKey)
      this.#plain.delete(cacheKey)
      return page
    }
    this.stats.fills++
    this.#brotli.set(cacheKey, { page, body: br }, br.length, tenantId)
    this.#plain.set(cacheKey, { page, body: compact(body) }, body.length, tenantId)
    return page
  }

  /*
   * What one visitor gets of a stored page (#services/page_delivery), and the bytes of it.
   */
  respond(tenantId: number, key: string, page: CachedPage, request: PageRequest) {
    const br = this.#brotli.get(`${tenantId} ${key}`)
    const brotli = br?.page === page ? br.body : undefined
    const delivery = deliver(page, request, brotli !== undefined)
    let body: Buffer | null = null
    if (delivery.status === 200) {
      body = delivery.encoding === 'br' ? brotli! : delivery.encoding === 'gzip' ? page.gzip : this.#plainOf(tenantId, key, page)
    }
    return { status: delivery.status, head: delivery.head, body }
  }

  #plainOf(tenantId: number, key: string, page: CachedPage): Buffer {
    const cacheKey = `${tenantId} ${key}`
    const kept = this.#plain.get(cacheKey)
    const reused = kept?.page === page
    this.#plainReuse.record(reused)
    if (reused) return kept.body
    // Inflated straight into a buffer of the page's size: nothing to copy before keeping it.
    const body = gunzipSync(page.gzip, { chunkSize: Math.max(64, page.identityLength) })
    const hasRoom = this.#plain.bytes + body.length <= this.#plain.maxBytes
    if (this.#plainReuse.admits(hasRoom) && this.#pages.peek(cacheKey) === page) {
      this.#plain.set(cacheKey, { page, body: compact(body) }, body.length, tenantId)
    }
    return body
  }

  invalidate(tenantId: number) {
    this.#generations.set(tenantId, (this.#generations.get(tenantId) ?? 0) + 1)
    this.#pages.deleteGroup(tenantId)
    this.#brotli.deleteGroup(tenantId)
    this.#plain.deleteGroup(tenantId)
  }

  clear() {
    this.#epoch++
    this.#generations.clear()
    this.#pages.clear()
    this.#brotli.clear()
    this.#plain.clear()
  }
}

/*
 * Whether a plain copy is worth keeping. While the copies have room, or most lookups find
 * one, each is kept. When clients that accept no compression rotate over more pages than
 * the copies' share holds (a crawler, a benchmark over 10,000 blogs), keeping each would
 * evict another that is never read again, and the allocations alone cost more than the
 * inflating: then one in sixteen is kept, enough for a smaller set of hot pages to take
 * the share back. The rate is over the last thousand or so lookups.
 */
class ReuseRate {
  #lookups = 0
  #reused = 0
  #refused = 0

  record(reused: boolean) {
    if (++this.#lookups > 1024) {
      this.#lookups >>= 1
      this.#reused >>= 1
    }
    if (reused) this.#reused++
  }

  admits(hasRoom: boolean) {
    if (hasRoom || this.#reused * 2 >= this.#lookups) return true
    return (++this.#refused & 15) === 0
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
