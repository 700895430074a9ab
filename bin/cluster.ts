/*
 * Production entry for a multi-core host: forks WEB_CONCURRENCY workers (default: one per
 * CPU) that each run bin/server.js and share the listening port through Node's cluster
 * module. Each worker has its own connection pool (DB_POOL_MAX, default 10) and its own
 * tenancy change listener, so the database sees workers x (DB_POOL_MAX + 1) connections
 * at most. SIGTERM/SIGINT are passed to the workers (each shuts down cleanly); a worker
 * that dies unexpectedly is replaced, unless workers keep dying within seconds of start.
 * SIGHUP replaces the workers one at a time without failing a request (a deploy: build,
 * then `kill -HUP <primary>`), and SIGUSR2 asks every worker for its statistics.
 * The primary also sums the workers' metrics for whichever worker answers /metrics.
 *
 *   node bin/cluster.js                    (in build/, after `node ace build`)
 *   WEB_CONCURRENCY=2 DB_POOL_MAX=10 node bin/cluster.js
 *
 * Workers run with their old generation capped at WORKER_HEAP_MB (default 128): the
 * caches live outside the JavaScript heap (page bodies are Buffers, bounded by
 * CACHE_MEMORY_MB), so the heap stays small and a runaway worker is replaced instead of
 * growing without bound. The young generation keeps Node's default: rendering allocates
 * fast, and a 2 MB one cost 40% of the throughput of rendered pages for 25 MB of RSS less.
 * MALLOC_ARENA_MAX=2 keeps glibc from opening an arena per thread.
 */
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { METRICS_REPLY, METRICS_REQUEST } from '#services/metrics_messages'

if (cluster.isPrimary) {
  const count = Number(process.env.WEB_CONCURRENCY) || availableParallelism()
  const startedAt = new Map<number, number>()
  const retiring = new Set<number>()
  let stopping = false
  let restarting = false
  let quickDeaths = 0

  cluster.setupPrimary({
    execArgv: [...process.execArgv, `--max-old-space-size=${Number(process.env.WORKER_HEAP_MB) || 128}`],
  })
  const fork = () => {
    const worker = cluster.fork({ MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' })
    startedAt.set(worker.id, Date.now())
    return worker
  }
  for (let i = 0; i < count; i++) fork()

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0)
    startedAt.delete(worker.id)
    if (stopping) {
      if (startedAt.size === 0) process.exit(0)
      return
    }
    if (retiring.delete(worker.id)) return
    console.error(`[cluster] worker ${worker.process.pid} exited (${signal ?? code})`)
    quickDeaths = lived < 5_000 ? quickDeaths + 1 : 0
    if (quickDeaths >= count * 3) {
      console.error('[cluster] workers keep dying at start; giving up')
      process.exit(1)
    }
    fork()
  })

  /*
   * A rolling restart (SIGHUP) replaces the workers one at a time: the new worker listens
   * before the old one drains (start/http_server.ts), so the port always has a worker and
   * no request fails. For that moment the database sees one pool more than usual.
   */
  const rollingRestart = async () => {
    if (restarting || stopping) return
    restarting = true
    const started = Date.now()
    try {
      for (const old of Object.values(cluster.workers ?? {})) {
        if (!old || stopping) continue
        const replacement = fork()
        const ready = await new Promise<boolean>((resolve) => {
          replacement.once('listening', () => resolve(true))
          replacement.once('exit', () => resolve(false))
        })
        if (!ready) throw new Error(`the new worker ${replacement.process.pid} exited before listening`)
        retiring.add(old.id)
        const gone = new Promise((resolve) => old.once('exit', resolve))
        old.process.kill('SIGTERM')
        await gone
      }
      console.log(`[cluster] rolling restart done in ${Date.now() - started} ms`)
    } catch (error) {
      console.error(`[cluster] rolling restart stopped: ${(error as Error).message}; the old workers keep serving`)
    } finally {
      restarting = false
    }
  }

  // A worker asked to answer a scrape (/metrics) gets every worker's figures, summed.
  // Loaded only when metrics are served: the primary stays small.
  if (process.env.METRICS_TOKEN) {
    const { AggregatorRegistry } = await import('prom-client')
    const metrics = new AggregatorRegistry()
    cluster.on('message', (worker: Worker, message: { type?: string; id?: string }) => {
      if (message?.type !== METRICS_REQUEST) return
      metrics.clusterMetrics().then(
        (text) => worker.send({ type: METRICS_REPLY, id: message.id, text }),
        (error: Error) => worker.send({ type: METRICS_REPLY, id: message.id, error: error.message })
      )
    })
  }

  // Workers drain their connections (at most the request timeout) before they exit.
  const stop = () => {
    if (stopping) return
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
    setTimeout(() => process.exit(0), 35_000).unref()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.on('SIGHUP', () => void rollingRestart())
  process.on('SIGUSR2', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGUSR2')
  })
} else {
  await import('./server.js')
}
