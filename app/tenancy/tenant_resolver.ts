import pg from 'pg'
import type { Logger } from '@adonisjs/core/logger'
import db from '@adonisjs/lucid/services/db'
import { CONTENT_CHANNEL, TENANCY_CHANNEL, tenancyEvents } from '#tenancy/tenancy_events'
import { toTenantRef } from '#tenancy/tenant_ref'
import type { TenantRef } from '#tenancy/types'

interface Entry {
  tenant: TenantRef | null
  expiresAt: number
}

export interface ResolverOptions {
  ttlMs: number
  negativeTtlMs: number
  maxEntries: number
}

/*
 * Host → tenant lookups, cached in process. The cache is bounded (oldest entries go
 * first) so a flood of made-up hosts cannot grow it, unknown hosts are remembered
 * briefly, and every entry expires after `ttlMs` as a backstop for invalidation.
 */
export class TenantResolver {
  #cache = new Map<string, Entry>()
  #pending = new Map<string, Promise<TenantRef | null>>()
  #generation = 0

  constructor(private options: ResolverOptions) {}

  async resolve(host: string): Promise<TenantRef | null> {
    const hit = this.#cache.get(host)
    if (hit && hit.expiresAt > Date.now()) return hit.tenant

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

  invalidate() {
    this.#generation++
    this.#cache.clear()
    tenancyEvents.emit('tenants')
  }

  #remember(host: string, tenant: TenantRef | null) {
    if (this.#cache.size >= this.options.maxEntries) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    const ttl = tenant ? this.options.ttlMs : this.options.negativeTtlMs
    this.#cache.set(host, { tenant, expiresAt: Date.now() + ttl })
  }

  async #load(host: string): Promise<TenantRef | null> {
    const { rows } = await db.rawQuery(
      `select t.id, t.name, t.tagline, t.schema_name, t.owner_id, t.paid_until, t.on_trial,
              (select p.domain from public.domains p
                where p.tenant_id = t.id and p.is_primary limit 1) as primary_domain
         from public.domains d
         join public.tenants t on t.id = d.tenant_id
        where d.domain = ?`,
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
    private onChange: () => void,
    private logger: Logger
  ) {}

  private onNotification(channel: string, payload?: string) {
    if (channel === CONTENT_CHANNEL) tenancyEvents.emit('content', Number(payload))
    else this.onChange()
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
      this.onChange()
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
      this.onChange()
    } catch (error) {
      this.logger.warn({ err: error }, 'tenancy change listener could not connect; retrying')
      onLost()
    }
  }
}
