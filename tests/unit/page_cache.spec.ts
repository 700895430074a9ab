import { randomBytes } from 'node:crypto'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { test } from '@japa/runner'
import cacheConfig from '#config/cache'
import { PageCache } from '#services/page_cache'
import { deliver, preferredEncoding } from '#services/page_delivery'
import { tenancyEvents } from '#tenancy/tenancy_events'

const HEADERS = { 'content-type': 'text/html; charset=utf-8' }

test.group('Page cache', () => {
  test('holds pages within its bytes, and no blog more than its share', ({ assert }) => {
    const cache = new PageCache(60_000, 200_000, 0.25)
    for (let i = 0; i < 100; i++) cache.set(1, `/?page=${i}`, cache.generation(1), HEADERS, randomBytes(5_000))
    cache.set(2, '/', cache.generation(2), HEADERS, randomBytes(5_000))
    assert.isAtMost(cache.tenantBytes(1), 50_000)
    assert.isAtMost(cache.bytes, 200_000)
    assert.isDefined(cache.get(2, '/'), "another blog's page is still there")
    assert.isDefined(cache.get(1, '/?page=99'), 'the newest pages of the busy blog are kept')
  })

  test('stores pages compressed, and serves each client the coding it accepts', ({ assert }) => {
    const cache = new PageCache(60_000, 1_000_000, 0.5)
    const body = Buffer.from(`<!doctype html>${'<p>words words words</p>'.repeat(400)}`)
    const page = cache.set(1, '/', cache.generation(1), HEADERS, body)
    assert.isBelow(page.gzip.length, body.length / 10)
    assert.deepEqual(gunzipSync(page.gzip), body)

    const br = cache.respond(1, '/', page, { acceptEncoding: 'gzip, br' })
    assert.equal(headerOf(br.head, 'content-encoding'), 'br')
    assert.deepEqual(brotliDecompressSync(br.body!), body)
    assert.equal(headerOf(br.head, 'content-length'), String(br.body!.length))
    const gzip = cache.respond(1, '/', page, { acceptEncoding: 'gzip' })
    assert.equal(gzip.body, page.gzip)
    const plain = cache.respond(1, '/', page, {})
    assert.deepEqual(plain.body, body)
    assert.equal(headerOf(plain.head, 'content-length'), String(body.length))
  })

  test('the home pages of 10,000 blogs fit in the default budget; brotli copies only for the recent ones', ({
    assert,
  }) => {
    const cache = new PageCache(60_000, cacheConfig.pages.maxBytes, cacheConfig.pages.tenantShare)
    const pages = []
    for (let tenant = 1; tenant <= 10_000; tenant++) {
      pages.push(cache.set(tenant, '/', cache.generation(tenant), HEADERS, homePage(tenant)))
    }
    const gzipBytes = pages.reduce((sum, page) => sum + page.gzip.length, 0) / pages.length
    console.log(`  10,000 home pages of ${pages[0].identityLength} bytes (gzip ${Math.round(gzipBytes)}): ${(cache.bytes / 1048576).toFixed(1)} MB of ${(cacheConfig.pages.maxBytes / 1048576).toFixed(0)} MB`)
    assert.isAbove(gzipBytes, 2_700, 'pages compress as real pages do, not as repeated text')
    assert.equal(cache.entries, 10_000)
    assert.isAtMost(cache.bytes, cacheConfig.pages.maxBytes)

    const oldest = cache.respond(1, '/', cache.get(1, '/')!, { acceptEncoding: 'gzip, br' })
    assert.equal(headerOf(oldest.head, 'content-encoding'), 'gzip', 'its brotli copy made room for newer ones')
    assert.equal(headerOf(oldest.head, 'content-length'), String(oldest.body!.length))
    const newest = cache.respond(10_000, '/', cache.get(10_000, '/')!, { acceptEncoding: 'gzip, br' })
    assert.equal(headerOf(newest.head, 'content-encoding'), 'br')
  })

  test('clients that accept no compression and rotate over every blog do not churn the plain copies; hot pages keep theirs', ({
    assert,
  }) => {
    const cache = new PageCache(60_000, 8_000_000, 1)
    const pages = Array.from({ length: 1_000 }, (_, i) => cache.set(i + 1, '/', cache.generation(i + 1), HEADERS, homePage(i + 1)))
    let previous = new Map<number, Buffer>()
    let kept = 0
    for (let round = 0; round < 3; round++) {
      const bodies = new Map<number, Buffer>()
      kept = 0
      pages.forEach((page, i) => {
        const body = cache.respond(i + 1, '/', page, {}).body!
        if (body === previous.get(i + 1)) kept++
        bodies.set(i + 1, body)
      })
      previous = bodies
    }
    assert.deepEqual(previous.get(500), homePage(500))
    // The copies' share holds about 170 of these pages: kept copies are read again, where
    // keeping each new one would have evicted the one the rotation needs next (none read).
    assert.isAbove(kept, 100, `${kept} of 1,000 plain bodies were copies read again`)

    const hot = pages.slice(0, 20)
    for (let round = 0; round < 50; round++) hot.forEach((page, i) => cache.respond(i + 1, '/', page, {}))
    const again = hot.filter((page, i) => cache.respond(i + 1, '/', page, {}).body === cache.respond(i + 1, '/', page, {}).body)
    assert.lengthOf(again, 20, 'a hot set of pages gets its plain copies back')
  })

  test("a visitor served an older version of a page never gets the newer one's bytes", ({ assert }) => {
    const cache = new PageCache(60_000, 1_000_000, 0.5)
    const older = cache.set(1, '/', cache.generation(1), HEADERS, Buffer.from('<p>older</p>'.repeat(50)))
    const newer = cache.set(1, '/', cache.generation(1), HEADERS, Buffer.from('<p>the newer page</p>'.repeat(50)))
    for (const acceptEncoding of ['br', 'gzip', undefined]) {
      const answer = cache.respond(1, '/', older, { acceptEncoding })
      assert.equal(headerOf(answer.head, 'etag'), older.etag)
      assert.equal(headerOf(answer.head, 'content-length'), String(answer.body!.length))
    }
    assert.deepEqual(cache.respond(1, '/', newer, {}).body, Buffer.from('<p>the newer page</p>'.repeat(50)))
    assert.deepEqual(cache.respond(1, '/', older, {}).body, Buffer.from('<p>older</p>'.repeat(50)))
  })

  test("a blog's news drops its pages only; a fill that raced with news is not kept", ({ assert }) => {
    const cache = new PageCache(60_000, 1_000_000, 0.5)
    cache.set(1, '/', cache.generation(1), HEADERS, Buffer.from('a'))
    cache.set(2, '/', cache.generation(2), HEADERS, Buffer.from('b'))
    const before = cache.generation(1)
    tenancyEvents.emit('tenant', 1)
    cache.set(1, '/feed.xml', before, HEADERS, Buffer.from('c'))
    assert.isUndefined(cache.get(1, '/'))
    assert.isUndefined(cache.get(1, '/feed.xml'), 'rendered before the change: not kept')
    assert.isDefined(cache.get(2, '/'))
    tenancyEvents.emit('content', 2)
    assert.isUndefined(cache.get(2, '/'))
  })
})

test.group('Page delivery', () => {
  test('negotiates brotli, gzip or none', ({ assert }) => {
    assert.equal(preferredEncoding('gzip, deflate, br, zstd'), 'br')
    assert.equal(preferredEncoding('gzip, deflate'), 'gzip')
    assert.equal(preferredEncoding('br;q=0, gzip;q=0.5'), 'gzip')
    assert.isNull(preferredEncoding('identity'))
    assert.isNull(preferredEncoding(undefined))
  })

  test('a current validator gets a 304; a stale one the page', ({ assert }) => {
    const cache = new PageCache(60_000, 1_000_000, 0.5)
    const page = cache.set(1, '/', cache.generation(1), HEADERS, Buffer.from('<p>x</p>'))
    assert.equal(deliver(page, { ifNoneMatch: page.etag }, true).status, 304)
    assert.equal(deliver(page, { ifNoneMatch: `"other", W/${page.etag}` }, true).status, 304)
    assert.equal(deliver(page, { ifNoneMatch: '"other"' }, true).status, 200)
    assert.equal(deliver(page, { ifModifiedSince: page.lastModified }, true).status, 304)
    const fresh = deliver(page, { acceptEncoding: 'gzip' }, true)
    assert.equal(headerOf(fresh.head, 'content-encoding'), 'gzip')
    assert.equal(headerOf(fresh.head, 'content-length'), String(page.gzip.length))
    assert.match(headerOf(fresh.head, 'cache-control')!, /^public, max-age=\d+, s-maxage=\d+$/)
    assert.equal(headerOf(fresh.head, 'vary'), 'Accept-Encoding, Cookie')
    assert.isNull(deliver(page, { acceptEncoding: 'br' }, false).encoding, 'no brotli copy: the plain page')
  })
})

function headerOf(head: string[], name: string) {
  for (let i = 0; i < head.length; i += 2) if (head[i] === name) return head[i + 1]
  return undefined
}

/*
 * A blog home page as the app renders it: layout, then twenty excerpts drawn from a
 * vocabulary of its own (a fixed seed per blog), about the size of the benchmark's home
 * pages (11.5 KB, 2.8 KB gzipped) and compressing as they do.
 */
function homePage(tenant: number) {
  let seed = tenant * 2_654_435_761
  const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) % n
  const vocabulary = Array.from({ length: 300 }, () =>
    Array.from({ length: 3 + random(7) }, () => 'etaoinshrdlucmfwypvbgk'[random(22)]).join('')
  )
  const excerpt = () => Array.from({ length: 50 }, () => vocabulary[random(vocabulary.length)]).join(' ')
  const posts = Array.from({ length: 20 }, (_, i) =>
    `<article class="post"><h2><a href="/posts/post-${tenant}-${i}">${excerpt().slice(0, 40)}</a></h2>` +
    `<p class="meta"><time datetime="2026-11-${(i % 28) + 1}">Nov ${(i % 28) + 1}, 2026</time></p><p>${excerpt()}</p></article>`
  )
  return Buffer.from(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blog t${tenant}</title>` +
    `<link rel="stylesheet" href="/assets/app-3f2a9c1b.css"></head><body><header><a href="/">Blog t${tenant}</a></header>` +
    `<main>${posts.join('')}</main><footer>Powered by EchoBlogs</footer></body></html>`
  )
}
