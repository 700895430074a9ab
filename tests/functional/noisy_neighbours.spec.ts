/*
 * One blog, or one anonymous visitor, must not take what the others need. Each attack of
 * issue 9 runs against a real server process (production build settings, one process,
 * DB_POOL_MAX 10, the default rate limits) while a victim blog's owner keeps reading their
 * own blog from another address: every victim request must be a 200, with its p99 under
 * VICTIM_P99_MS, and the server must survive with its memory within the cache budget.
 */
import { readFileSync } from 'node:fs'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { startAppServer, type AppServer } from '#tests/helpers/app_server'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD, signupFields, uniqueUsername } from '#tests/helpers/visitor'
import { percentile, rawRequest } from '#tests/helpers/raw_http'
import { PATHOLOGICAL_CLASSES } from '../../bench/markdown_parsers.js'

const PORT = 3395
const VICTIM_P99_MS = 750
const CACHE_MEMORY_MB = 16
/*
 * Beyond the cache budget: the heap of a fresh server growing to its working size, the
 * renderer thread and allocator slack. Measured growth is 35-51 MB after the other attacks
 * and 112 MB on a fresh server; with caches bounded by count (before issue 9) it was
 * 202-233 MB after the other attacks, and gigabytes over more edits.
 */
const RSS_MARGIN_MB = 128
const EDITS = 300
/*
 * The fair share (PLAN_BASIC_REQUESTS_PER_MINUTE below) turns later edits away; these many 200 KB
 * versions, each rendered and read back on three pages, are several times the cache budget.
 */
const MIN_SAVED_EDITS = 60

let server: AppServer
let victim: Awaited<ReturnType<typeof createBlog>>
let victimOwner: Browser

function rssMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024
}

/*
 * Runs `attack` while the victim's owner reads their blog (a fresh render each time: a
 * logged-in owner is never served from the cache) every 100 ms from 127.0.0.2.
 */
async function underAttack(label: string, attack: () => Promise<string>) {
  const samples: { status: number; ms: number }[] = []
  let attacking = true
  const probe = (async () => {
    while (attacking) {
      const started = performance.now()
      const reply = await victimOwner.get(victim.domain, '/').catch(() => ({ status: 0 }))
      samples.push({ status: reply.status, ms: performance.now() - started })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  const summary = await attack()
  attacking = false
  await probe
  const times = samples.map((sample) => sample.ms)
  const failed = samples.filter((sample) => sample.status !== 200)
  const p99 = percentile(times, 99)
  console.log(
    `  ${label}: ${summary}; victim ${samples.length} requests, ${failed.length} not 200, ` +
      `p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (bound ${VICTIM_P99_MS} ms)`
  )
  return { samples, failed, p99 }
}

/*
 * Each owner writes from an address of their own: one test's writes spent against the
 * per-address share must not turn away the next test's login.
 */
let owners = 0

async function paidOwner(prefix: string) {
  const blog = await createBlog(uniqueName(prefix))
  await db.from('public.tenants').where('id', blog.id).update({ on_trial: false, plan: 'basic' })
  const owner = new Browser(`127.0.1.${++owners}`, server.url)
  const login = await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
  if (login.status !== 302) throw new Error(`login failed: ${login.status}`)
  await owner.get(blog.domain, '/dashboard/posts/new')
  return { blog, owner }
}

test.group('Noisy neighbours: one blog or visitor cannot take what the others need', (group) => {
  group.setup(async () => {
    server = await startAppServer(PORT, {
      DB_POOL_MAX: '10',
      CACHE_MEMORY_MB: String(CACHE_MEMORY_MB),
      HTTP_REQUEST_TIMEOUT_MS: '10000',
      MISS_LIMIT_PER_IP: '20',
      PLAN_BASIC_REQUESTS_PER_MINUTE: '6000',
      PLAN_TRIAL_REQUESTS_PER_MINUTE: '3000',
      SIGNUPS_PER_IP: '5',
      SIGNUPS_GLOBAL: '100',
    })
    victim = await createBlog(uniqueName('nn_victim'), { posts: 12 })
    victimOwner = new Browser('127.0.0.2', server.url)
    const login = await victimOwner.login(victim.domain, victim.schemaName, BLOG_PASSWORD)
    if (login.status !== 302) throw new Error(`victim login failed: ${login.status}`)
    return async () => {
      const survived = server.process.exitCode === null
      await server.stop()
      if (!survived) throw new Error(`the server died:\n${server.output()}`)
    }
  })

  test('slow request bodies from 40 sockets', async ({ assert }) => {
    const attacked = await createBlog(uniqueName('nn_slow'))
    const base = new URL(server.url)
    const result = await underAttack('40 slow bodies', async () => {
      const sockets = Array.from({ length: 40 }, () =>
        rawRequest(base, [
          'POST /login HTTP/1.1',
          `Host: ${attacked.domain}`,
          'Content-Type: application/x-www-form-urlencoded',
          'Content-Length: 1000',
        ], { body: 'uid=' })
      )
      const trickle = setInterval(() => sockets.forEach((socket) => socket.socket.write('a')), 1000)
      await new Promise((resolve) => setTimeout(resolve, 6000))
      clearInterval(trickle)
      sockets.forEach((socket) => socket.socket.destroy())
      return '40 sockets held for 6 s'
    })
    assert.lengthOf(result.failed, 0)
    assert.isBelow(result.p99, VICTIM_P99_MS)
  }).timeout(60_000)

  test('pathological Markdown posts', async ({ assert }) => {
    const { blog, owner } = await paidOwner('nn_md')
    const classes = Object.entries(PATHOLOGICAL_CLASSES)
    const readers = Array.from({ length: 2 }, (_, k) => new Browser(`127.0.0.${10 + k}`, server.url))
    const statuses = new Map<number, number>()
    const result = await underAttack('pathological Markdown', async () => {
      const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
      let next = 0
      const writer = async () => {
        while (next < classes.length * 2) {
          const [name, build] = classes[next++ % classes.length]
          const fields = { title: name, content: build(100_000), publish: '1' }
          count((await owner.post(blog.domain, '/dashboard/posts', fields).catch(() => ({ status: 0 }))).status)
        }
      }
      let reading = true
      const reader = async (browser: Browser, k: number) => {
        for (let i = 0; reading; i++) {
          const slug = classes[i % classes.length][0].toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
          for (const path of [`/feed.xml?n=${k}-${i}`, `/?n=${k}-${i}`, `/posts/${slug}`]) {
            count((await browser.get(blog.domain, path).catch(() => ({ status: 0 }))).status)
          }
        }
      }
      const reads = readers.map(reader)
      await Promise.all(Array.from({ length: 4 }, writer))
      await new Promise((resolve) => setTimeout(resolve, 3000))
      reading = false
      await Promise.all(reads)
      return `${classes.length * 2} posts of 100 KB written 4 at a time and read back by 2 readers: ${[...statuses].map(([s, n]) => `${n}×${s}`).join(', ')}`
    })
    assert.isAbove(statuses.get(302) ?? 0, 0, 'posts that render in budget are saved')
    assert.isAbove(statuses.get(200) ?? 0, 0, 'and read back')
    assert.isFalse([...statuses.keys()].some((status) => status === 0 || status >= 500), 'no failed or 5xx answer')
    assert.lengthOf(result.failed, 0)
    assert.isBelow(result.p99, VICTIM_P99_MS)
  }).timeout(180_000)

  test('a 200 KB post edited and read back again and again', async ({ assert }) => {
    const { blog, owner } = await paidOwner('nn_mem')
    const reader = new Browser('127.0.0.3', server.url)
    const paragraph = `${'word '.repeat(199)}\n\n`
    const content = (n: number) => `Edit ${n}\n\n${paragraph.repeat(200)}`.slice(0, 200_000)
    const created = await owner.post(blog.domain, '/dashboard/posts', { title: 'Big', content: content(0), publish: '1' })
    assert.equal(created.status, 302)
    const [post] = await db.from(`${blog.schemaName}.posts`).select('id', 'slug')
    const before = rssMb(server.process.pid!)
    let peak = before
    const edits: number[] = []
    const reads: number[] = []
    const result = await underAttack(`200 KB post edited ${EDITS} times`, async () => {
      for (let n = 1; n <= EDITS; n++) {
        const edit = await owner.post(blog.domain, `/dashboard/posts/${post.id}?_method=PUT`, {
          title: 'Big',
          content: content(n),
          publish: '1',
        })
        edits.push(edit.status)
        for (const path of [`/posts/${post.slug}`, '/', '/feed.xml']) reads.push((await reader.get(blog.domain, path)).status)
        peak = Math.max(peak, rssMb(server.process.pid!))
      }
      const saved = edits.filter((status) => status === 302).length
      return `${saved} edits saved, ${EDITS - saved} over the blog's share (429); server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB`
    })
    const after = rssMb(server.process.pid!)
    console.log(`  RSS after the memory attack: ${after.toFixed(0)} MB (before ${before.toFixed(0)} MB, cache budget ${CACHE_MEMORY_MB} MB)`)
    assert.isTrue(edits.every((status) => status === 302 || status === 429), 'an edit is saved, or waits (429)')
    assert.isAtLeast(edits.filter((status) => status === 302).length, MIN_SAVED_EDITS, 'enough versions to overflow the budget')
    assert.isAtLeast(reads.filter((status) => status === 200).length, MIN_SAVED_EDITS, 'the edits are read back')
    assert.isTrue(reads.every((status) => status === 200 || status === 429), 'past its share the reader waits (429)')
    assert.lengthOf(result.failed, 0)
    assert.isBelow(result.p99, VICTIM_P99_MS)
    assert.isBelow(peak, before + CACHE_MEMORY_MB + RSS_MARGIN_MB, 'memory stays within the cache budget plus a margin')
  }).timeout(300_000)

  test("cache-busting query strings on a large blog's feed, sitemap and home", async ({ assert }) => {
    const { blog } = await paidOwner('nn_large')
    await db.rawQuery(
      `insert into ${blog.schemaName}.posts (title, slug, content, author_id, is_published, published_at, created_at)
       select 'Post ' || i, 'post-' || i, repeat('text ', 400), ?, true, now() - (i || ' minutes')::interval, now()
         from generate_series(1, 5000) i`,
      [blog.ownerId]
    )
    const attacker = new Browser('127.0.0.1', server.url)
    attacker.keepCookies = false
    const paths = (i: number) => [
      `/feed.xml?n=${i}`,
      `/sitemap.xml?n=${i}`,
      `/?n=${i}`,
      `/?page=${(i % 500) + 1}`,
      `/sitemaps/posts-${(i % 5) + 1}.xml?x=${i}`,
    ]
    const statuses = new Map<number, number>()
    const result = await underAttack('cache busting on a 5,000-post blog', async () => {
      let i = 0
      const deadline = performance.now() + 8000
      const loop = async () => {
        while (performance.now() < deadline) {
          for (const path of paths(i++)) {
            const reply = await attacker.get(blog.domain, path)
            statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
          }
        }
      }
      await Promise.all(Array.from({ length: 8 }, loop))
      return `8 s of 8 loops: ${[...statuses].map(([s, n]) => `${n}×${s}`).join(', ')}`
    })
    assert.isAbove(statuses.get(200) ?? 0, 0, 'the attacker is served')
    assert.isAbove(statuses.get(429) ?? 0, 0, 'and limited once past its share')
    assert.isFalse([...statuses.keys()].some((status) => status >= 500), 'no 5xx')
    assert.lengthOf(result.failed, 0)
    assert.isBelow(result.p99, VICTIM_P99_MS)
  }).timeout(120_000)

  test('a sign-up flood from one address', async ({ assert }) => {
    const { rows: before } = await db.rawQuery('select count(*)::int as n from pg_namespace')
    const flooder = new Browser('127.0.0.4', server.url)
    const statuses: number[] = []
    const result = await underAttack('30 sign-ups from one address', async () => {
      await flooder.get('localhost', '/signup')
      for (let i = 0; i < 30; i++) {
        const reply = await flooder.post('localhost', '/signup', signupFields(uniqueUsername('flood')), { page: '/signup' })
        statuses.push(reply.status)
      }
      return `statuses ${[...new Set(statuses)].map((s) => `${statuses.filter((x) => x === s).length}×${s}`).join(', ')}`
    })
    const { rows: after } = await db.rawQuery('select count(*)::int as n from pg_namespace')
    assert.equal(statuses.filter((status) => status === 302).length, 5)
    assert.equal(statuses.filter((status) => status === 429).length, 25)
    assert.equal(after[0].n - before[0].n, 5, 'five schemas, no more')
    assert.lengthOf(result.failed, 0)
    assert.isBelow(result.p99, VICTIM_P99_MS)
  }).timeout(120_000)
})
