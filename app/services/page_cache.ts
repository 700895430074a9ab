import { tenancyEvents } from '#tenancy/tenancy_events'

export interface CachedPage {
  status: number
  headers: Record<string, string | string[]>
  body: string
  expiresAt: number
}

/*
 * Whole pages of a blog as an anonymous visitor sees them, per tenant and URL. Entries go
 * when the tenant's content changes (a write committed in any process), when tenants or
 * domains change, and after a short TTL that bounds staleness where the cross-process
 * notice cannot arrive (writes made outside the app, a PgBouncer without LISTEN).
 * A fill that raced with a change is not kept: each tenant has a generation number.
 */
export class PageCache {
  #pages = new Map<string, CachedPage>()
  #keysByTenant = new Map<number, Set<string>>()
  #generations = new Map<number, number>()
  #epoch = 0
  #bytes = 0

  constructor(
    private ttlMs: number,
    private maxBytes: number
  ) {
    tenancyEvents.on('content', (tenantId: number) => this.invalidate(tenantId))
    tenancyEvents.on('tenants', () => this.clear())
  }

  generation(tenantId: number) {
    return `${this.#epoch}.${this.#generations.get(tenantId) ?? 0}`
  }

  get(tenantId: number, url: string): CachedPage | undefined {
    const key = `${tenantId} ${url}`
    const page = this.#pages.get(key)
    if (!page) return undefined
    if (page.expiresAt > Date.now()) return page
    this.#drop(key)
    return undefined
  }

  set(tenantId: number, url: string, generation: string, page: Omit<CachedPage, 'expiresAt'>) {
    if (generation !== this.generation(tenantId)) return
    const key = `${tenantId} ${url}`
    this.#drop(key)
    while (this.#bytes + page.body.length > this.maxBytes && this.#pages.size > 0) {
      this.#drop(this.#pages.keys().next().value!)
    }
    this.#pages.set(key, { ...page, expiresAt: Date.now() + this.ttlMs })
    this.#bytes += page.body.length
    let keys = this.#keysByTenant.get(tenantId)
    if (!keys) this.#keysByTenant.set(tenantId, (keys = new Set()))
    keys.add(key)
  }

  invalidate(tenantId: number) {
    this.#generations.set(tenantId, (this.#generations.get(tenantId) ?? 0) + 1)
    for (const key of this.#keysByTenant.get(tenantId) ?? []) this.#drop(key)
    this.#keysByTenant.delete(tenantId)
  }

  clear() {
    this.#epoch++
    this.#pages.clear()
    this.#keysByTenant.clear()
    this.#bytes = 0
  }

  #drop(key: string) {
    const page = this.#pages.get(key)
    if (!page) return
    this.#pages.delete(key)
    this.#bytes -= page.body.length
    this.#keysByTenant.get(Number(key.slice(0, key.indexOf(' '))))?.delete(key)
  }
}

/*
 * 10 s bounds how stale a page can be after a write that no process announced; 64 MB
 * holds about 7,000 blog home pages.
 */
const pageCache = new PageCache(10_000, 64 * 1024 * 1024)
export default pageCache
