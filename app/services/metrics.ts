import cluster from 'node:cluster'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import client from 'prom-client'
import pageCache from '#services/page_cache'
import { METRICS_REPLY, METRICS_REQUEST } from '#services/metrics_messages'
import { readiness } from '#services/readiness'
import tenancy from '#tenancy/service'

/*
 * Prometheus metrics of this process (#middleware/operations_middleware serves them).
 * Label sets are bounded: route names and status classes, never tenants or addresses.
 * Figures kept elsewhere (the page cache's counts, the pools) are read when scraped, so
 * requests pay nothing for them; requests that reach the framework are timed once each.
 */
export const registry = new client.Registry()
client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 })

const requests = new client.Counter({
  name: 'echoblogs_http_requests_total',
  help: 'Requests that reached the framework, by route name and status class (page-cache hits answered before it: echoblogs_page_cache_hits_total)',
  labelNames: ['route', 'status_class'],
  registers: [registry],
})

const durations = new client.Histogram({
  name: 'echoblogs_http_request_duration_seconds',
  help: 'Time from the request reaching the framework to the last byte of the response, by route name',
  labelNames: ['route'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
})

export function recordRequest(route: string, status: number, seconds: number) {
  requests.inc({ route, status_class: `${Math.floor(status / 100)}xx` })
  durations.observe({ route }, seconds)
}

const readFrom = (name: string, help: string, read: () => number) =>
  new client.Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset()
      this.inc(read())
    },
  })
readFrom('echoblogs_page_cache_hits_total', 'Public pages answered from the page cache', () => pageCache.stats.hits)
readFrom('echoblogs_page_cache_misses_total', 'Public pages not in the page cache', () => pageCache.stats.misses)
readFrom('echoblogs_page_cache_fills_total', 'Pages rendered and stored', () => pageCache.stats.fills)

new client.Gauge({
  name: 'echoblogs_page_cache_bytes',
  help: 'Bytes held by the page cache (its budget: CACHE_MEMORY_MB)',
  registers: [registry],
  collect() {
    this.set(pageCache.bytes)
  },
})

new client.Gauge({
  name: 'echoblogs_db_connections',
  help: 'Database connections by pool (public: Lucid; tenant: the tenant slots) and state',
  labelNames: ['pool', 'state'],
  registers: [registry],
  collect() {
    const slots = tenancy.connections.usage()
    this.set({ pool: 'tenant', state: 'in_use' }, slots.busy)
    this.set({ pool: 'tenant', state: 'idle' }, slots.slots - slots.busy)
    this.set({ pool: 'tenant', state: 'waiting' }, slots.waiting)
    const pool = publicPool()
    if (!pool) return
    this.set({ pool: 'public', state: 'in_use' }, pool.numUsed())
    this.set({ pool: 'public', state: 'idle' }, pool.numFree())
    this.set({ pool: 'public', state: 'waiting' }, pool.numPendingAcquires())
  },
})

new client.Gauge({
  name: 'echoblogs_worker_processes',
  help: 'Processes serving requests (summed over a cluster)',
  registers: [registry],
  collect() {
    this.set(1)
  },
})

for (const [name, help, key] of [
  ['echoblogs_tenants', 'Tenants', 'tenants'],
  ['echoblogs_tenants_behind_migrations', 'Tenants missing at least one tenant migration', 'tenantsBehind'],
] as const) {
  new client.Gauge({
    name,
    help,
    // The same figure in every process: a cluster reports it once.
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const value = (await readiness())[key]
      if (value !== null) this.set(value)
    },
  })
}

interface TarnPool {
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
}

function publicPool(): TarnPool | undefined {
  return (db.connection().getWriteClient().client as unknown as { pool?: TarnPool }).pool
}

/*
 * In a cluster each worker counts for itself: the primary (bin/cluster.ts) gathers every
 * worker's figures and sums them, so any worker can answer a scrape for all of them.
 */
const pending = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void }>()

if (cluster.isWorker) {
  client.AggregatorRegistry.setRegistries([registry])
  // Its constructor is what makes this worker answer the primary's requests.
  new client.AggregatorRegistry()
  process.on('message', (message: { type?: string; id: string; text?: string; error?: string }) => {
    if (message?.type !== METRICS_REPLY) return
    const waiting = pending.get(message.id)
    pending.delete(message.id)
    if (message.error) waiting?.reject(new Error(message.error))
    else waiting?.resolve(message.text ?? '')
  })
}

export function metricsText(): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics()
  const id = randomUUID()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id)
      reject(new Error('the cluster primary did not answer for metrics'))
    }, 5_000)
    pending.set(id, {
      resolve: (text) => (clearTimeout(timer), resolve(text)),
      reject: (error) => (clearTimeout(timer), reject(error)),
    })
    process.send!({ type: METRICS_REQUEST, id })
  })
}

export const METRICS_CONTENT_TYPE = registry.contentType
