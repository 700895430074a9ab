/*
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by package / area and
 * the hottest functions. `node bench/lib/profile_summary.js file.cpuprofile [top]`
 */
import { readFileSync } from 'node:fs'

export function summarise(file, top = 25, { skipMs = 0 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map()
  const deltas = profile.timeDeltas ?? []
  // Inclusive time: a sample counts once for every distinct area / function on its stack.
  const inclusiveArea = new Map()
  const inclusiveFunction = new Map()
  let elapsed = 0
  for (let k = 0; k < profile.samples.length; k++) {
    elapsed += deltas[k] ?? 0
    if (elapsed < skipMs * 1000) continue // boot and warm-up
    const id = profile.samples[k]
    const dt = deltas[k] ?? 0
    self.set(id, (self.get(id) ?? 0) + dt)
    const areas = new Set()
    const functions = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at).callFrame
      if (!url) continue
      areas.add(areaOf(url, functionName))
      if (/\/build\/(app|start)\/|edge|sanitize-html\/index|marked\.esm|@adonisjs\/(session|shield|lucid|auth|bouncer|static)/.test(url))
        functions.add(`${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`)
    }
    for (const a of areas) inclusiveArea.set(a, (inclusiveArea.get(a) ?? 0) + dt)
    for (const f of functions) inclusiveFunction.set(f, (inclusiveFunction.get(f) ?? 0) + dt)
  }
  let total = 0
  const byArea = new Map()
  const byFunction = new Map()
  for (const [id, us] of self) {
    const node = byId.get(id)
    const { functionName, url, lineNumber } = node.callFrame
    total += us
    const area = areaOf(url, functionName)
    byArea.set(area, (byArea.get(area) ?? 0) + us)
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  }
  const rank = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }))
  return {
    totalMs: Math.round(total / 1000),
    skippedMs: skipMs,
    byArea: rank(byArea),
    byFunction: rank(byFunction),
    inclusiveByArea: rank(inclusiveArea),
    inclusiveByFunction: rank(inclusiveFunction),
  }
}

function areaOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native/builtin)'
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (nm) return nm[1]
  if (url.startsWith('node:')) return url.split('/')[0]
  const app = url.match(/\/build\/((?:app|start|config|resources|bin|providers)\/[^/]+)/)
  if (app) return `app:${app[1]}`
  return shortUrl(url)
}

function shortUrl(url) {
  return url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/build\//, 'build/')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const result = summarise(process.argv[2], Number(process.argv[3] ?? 25))
  console.log(`total sampled: ${result.totalMs} ms`)
  console.log('\nself time by area:')
  for (const row of result.byArea) console.log(`  ${String(row.pct).padStart(5)}%  ${row.ms} ms  ${row.name}`)
  console.log('\nhottest functions (self):')
  for (const row of result.byFunction) console.log(`  ${String(row.pct).padStart(5)}%  ${row.ms} ms  ${row.name}`)
  console.log('\ninclusive by area:')
  for (const row of result.inclusiveByArea) console.log(`  ${String(row.pct).padStart(5)}%  ${row.name}`)
  console.log('\ninclusive, app/framework functions:')
  for (const row of result.inclusiveByFunction) console.log(`  ${String(row.pct).padStart(5)}%  ${row.name}`)
}
