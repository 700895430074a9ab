import cacheConfig from '#config/cache'
import { ByteLru } from '#tenancy/byte_lru'
import { tenancyEvents } from '#tenancy/tenancy_events'

export interface CachedPage {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
  expiresAt: number
}

/*
 * Whole pages of a blog as an anonymous visitor sees them, per tenant and canonical page
 * (#services/public_pages), within the page share of the memory budget and no blog
 * above its own share of that. Entries go when the tenant's content changes (a write
 * committed in any process), when the tenant or its domains change, and after a TTL that
 * bounds staleness where no notice can arrive. A fill that raced with a change is not
 * kept: each tenant has a generation number.
 */
export class PageCache {
  #pages: ByteLru<CachedPage>
  #generations = new Map<number, number>()
  #epoch = 0

  constructor(
    private ttlMs: number,
    maxBytes: number,
    tenantShare: number
  ) {
    this.#pages = new ByteLru(maxBytes, Math.floor(maxBytes * tenantShare))
    tenancyEvents.on('content', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenant', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenants', () => this.clear())
  }

  get bytes() {
    return this.#pages.bytes
  }

  tenantBytes(tenantId: number) {
    return this.#pages.groupBytes(tenantId)
  }

  generation(tenantId: number) {
    return `${this.#epoch}.${this.#generations.get(tenantId) ?? 0}`
  }

  get(tenantId: number, key: string): CachedPage | undefined {
    const cacheKey = `${tenantId} ${key}`
    const page = this.#pages.get(cacheKey)
    if (!page) return undefined
    if (page.expiresAt > Date.now()) return page
    this.#pages.delete(cacheKey)
    return undefined
  }

  set(tenantId: number, key: string, generation: string, page: Omit<CachedPage, 'expiresAt'>) {
    if (generation !== this.generation(tenantId)) return
    const headerBytes = Object.entries(page.headers).reduce(
      (sum, [name, value]) => sum + name.length + String(value).length,
      0
    )
    this.#pages.set(
      `${tenantId} ${key}`,
      { ...page, expiresAt: Date.now() + this.ttlMs },
      page.body.length + headerBytes,
      tenantId
    )
  }

  invalidate(tenantId: number) {
    this.#generations.set(tenantId, (this.#generations.get(tenantId) ?? 0) + 1)
    this.#pages.deleteGroup(tenantId)
  }

  clear() {
    this.#epoch++
    this.#generations.clear()
    this.#pages.clear()
  }
}

const pageCache = new PageCache(
  cacheConfig.pages.ttlMs,
  cacheConfig.pages.maxBytes,
  cacheConfig.pages.tenantShare
)
export default pageCache
