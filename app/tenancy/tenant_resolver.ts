import pg from 'pg'
import type { Logger } from '@adonisjs/core/logger'
import db from '@adonisjs/lucid/services/db'
import { CONTENT_CHANNEL, TENANCY_CHANNEL, tenancyEvents } from '#tenancy/tenancy_events'
import { toTenantRef } from '#tenancy/tenant_ref'
import type { TenantRef } from '#tenancy/types'
import { ByteLru } from '#tenancy/byte_lru'

interface Entry {
  tenant: TenantRef | null
  expiresAt: number
}

export interface ResolverOptions {
  ttlMs: number
  negativeTtlMs: number
  maxBytes: number
}

/*
 * What changed in tenants or domains: the tenants and hosts involved, or everything (a
 * TRUNCATE, or a listener that may have missed notifications).
 */
export type TenancyChange = { tenantIds: number[]; hosts: string[] } | 'all'

/*
 * Unknown hosts are one group of the cache, held to a quarter of it (as is each tenant's
 * hosts), so a flood of made-up hosts evicts other made-up hosts, not the blogs' own.
 */
const UNKNOWN_HOSTS = 0

/*
 * Host → tenant lookups, cached in process within a byte budget (least recently used
 * hosts go first), so a flood of made-up hosts cannot grow it. Unknown hosts are
 * remembered briefly, and every entry expires after `ttlMs` as a backstop for
 * invalidation, which is precise: a change drops the hosts of the tenants it touches.
 */
export class TenantResolver {
  #cache: ByteLru<Entry>
  #pending = new Map<string, Promise<TenantRef | null>>()
  #generation = 0

  constructor(private options: ResolverOptions) {
    this.#cache = new ByteLru(options.maxBytes, Math.floor(options.maxBytes / 4))
  }

  /*
   * The tenant of a host already in the cache, or undefined: for callers that must not
   * wait on the database. A known host past its TTL is still answered, and one lookup
   * in the background refreshes it: the TTL only backs up invalidation, so a blog's
   * readers never wait on the database because time passed.
   */
  peek(host: string): TenantRef | null | undefined {
    const hit = this.#cache.get(host)
    if (!hit) return undefined
    if (hit.expiresAt > Date.now()) return hit.tenant
    if (!hit.tenant) return undefined
    this.#lookup(host).catch(() => this.#cache.delete(host))
    return hit.tenant
  }

  async resolve(host: string): Promise<TenantRef | null> {
    const hit = this.peek(host)
    return hit !== undefined ? hit : this.#lookup(host)
  }

  #lookup(host: string): Promise<TenantRef | null> {
    const inflight = this.#pending.get(host)
    if (inflight) return inflight

    const generation = this.#generation
    const lookup = this.#load(host)
      .then((tenant) => {
        if (generation === this.#generation) this.#remember(host, tenant)
        return tenant
      })
      .finally(() => this.#pending.delete(host))
    this.#pending.set(host, lookup)
    return lookup
  }

  /*
   * Drops what a change makes stale here and tells the caches built on tenants
   * (tenancyEvents): 'tenant' per tenant involved, or 'tenants' for everything.
   */
  changed(change: TenancyChange) {
    this.#generation++
    if (change === 'all') {
      this.#cache.clear()
      tenancyEvents.emit('tenants')
      return
    }
    for (const host of change.hosts) this.#cache.delete(host)
    for (const id of change.tenantIds) {
      this.#cache.deleteGroup(id)
      tenancyEvents.emit('tenant', id)
    }
  }

  #remember(host: string, tenant: TenantRef | null) {
    const ttl = tenant ? this.options.ttlMs : this.options.negativeTtlMs
    const bytes = tenant ? JSON.stringify(tenant).length * 2 : 0
    this.#cache.set(host, { tenant, expiresAt: Date.now() + ttl }, host.length + bytes, tenant?.id ?? UNKNOWN_HOSTS)
  }

  /*
   * Only verified domains name a blog: a domain claimed in the dashboard and not yet
   * proven through DNS is an unknown host.
   */
  async #load(host: string): Promise<TenantRef | null> {
    const { rows } = await db.rawQuery(
      `select t.id, t.name, t.tagline, t.schema_name, t.owner_id, t.paid_until, t.on_trial, t.plan,
              t.limit_overrides, t.feature_overrides, t.description, t.posts_per_page, t.theme, t.nav_links,
              (select p.domain from public.domains p
                where p.tenant_id = t.id and p.is_primary limit 1) as primary_domain
         from public.domains d
         join public.tenants t on t.id = d.tenant_id
        where d.domain = ? and d.verified_at is not null`,
      [host]
    )
    const row = rows[0]
    return row ? toTenantRef(row) : null
  }
}

/*
 * Listens for the notifications the tenancy triggers (tenants, domains) and committed
 * tenant writes (content) send, on one dedicated connection per process, and drops what
 * they make stale. Reconnects with a backoff; while disconnected, TTLs bound staleness.
 */
export class TenancyChangeListener {
  #client?: pg.Client
  #stopped = false
  #retryTimer?: NodeJS.Timeout

  constructor(
    private connectionConfig: pg.ClientConfig,
    private onChange: (change: TenancyChange) => void,
    private logger: Logger
  ) {}

  private onNotification(channel: string, payload = '') {
    if (channel === CONTENT_CHANNEL) tenancyEvents.emit('content', Number(payload))
    else this.onChange(parseTenancyNotification(payload))
  }

  async start() {
    this.#stopped = false
    await this.#connect(500)
  }

  async stop() {
    this.#stopped = true
    clearTimeout(this.#retryTimer)
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => {})
  }

  async #connect(backoffMs: number) {
    if (this.#stopped) return
    const client = new pg.Client(this.connectionConfig)
    let lost = false
    const onLost = () => {
      if (lost) return
      lost = true
      if (this.#client === client) this.#client = undefined
      client.end().catch(() => {})
      if (this.#stopped) return
      this.onChange('all')
      this.#retryTimer = setTimeout(() => this.#connect(Math.min(backoffMs * 2, 10_000)), backoffMs)
      this.#retryTimer.unref()
    }
    client.on('error', onLost)
    client.on('end', onLost)
    client.on('notification', (message) => this.onNotification(message.channel, message.payload))
    try {
      await client.connect()
      await client.query(`listen ${TENANCY_CHANNEL}; listen ${CONTENT_CHANNEL}`)
      this.#client = client
      this.onChange('all')
    } catch (error) {
      this.logger.warn({ err: error }, 'tenancy change listener could not connect; retrying')
      onLost()
    }
  }
}

/*
 * The payloads of the tenancy triggers (database/migrations/0008): `tenant:<id>`,
 * `domain:<tenant id>:<domain>` or `all`. Anything else drops everything.
 */
export function parseTenancyNotification(payload: string): TenancyChange {
  const tenant = /^tenant:(\d+)$/.exec(payload)
  if (tenant) return { tenantIds: [Number(tenant[1])], hosts: [] }
  const domain = /^domain:(\d+):(.+)$/.exec(payload)
  if (domain) return { tenantIds: [Number(domain[1])], hosts: [domain[2]] }
  return 'all'
}
