/*
 * Preload (`node --import ./bench/lib/count_queries.js build/bin/server.js`) that counts the
 * statements every pg client of the process sends, by normalised text. SIGUSR2 resets the
 * counters; at exit they are written to $BENCH_QUERY_LOG as JSON.
 */
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const pg = require('pg')
let counts = new Map()
let total = 0

const original = pg.Client.prototype.query
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text
  if (typeof text === 'string') {
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 160)
    counts.set(key, (counts.get(key) ?? 0) + 1)
    total++
  }
  return original.call(this, config, ...rest)
}

process.on('SIGUSR2', () => {
  counts = new Map()
  total = 0
})

process.on('exit', () => {
  const out = process.env.BENCH_QUERY_LOG
  if (!out) return
  const statements = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([sql, n]) => ({ n, sql }))
  writeFileSync(out, JSON.stringify({ total, statements }, null, 2))
})
