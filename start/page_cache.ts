/*
 * Wires the page cache into the server: its hits are answered before the framework runs,
 * and `kill -USR2 <pid>` prints its statistics (hits, misses, fills, entries, bytes, and
 * how often tenant work ran on its own connection slot, and the process's memory) as one PAGE_CACHE_STATS line on
 * standard output, for operators and the benchmark.
 */
import { answerEarly } from '#start/http_server'
import { servePageCacheHit } from '#services/page_cache_hits'
import pageCache from '#services/page_cache'
import tenancy from '#tenancy/service'

answerEarly(servePageCacheHit)

process.on('SIGUSR2', () => {
  const stats = {
    pid: process.pid,
    ...pageCache.stats,
    entries: pageCache.entries,
    bytes: pageCache.bytes,
    slots: tenancy.connections.stats,
    memory: process.memoryUsage(),
  }
  process.stdout.write(`PAGE_CACHE_STATS ${JSON.stringify(stats)}\n`)
})
