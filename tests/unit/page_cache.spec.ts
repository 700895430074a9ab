import { randomBytes } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { test } from '@japa/runner'
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

  test('stores pages compressed, and serves the plain body to clients that want it', ({ assert }) => {
    const cache = new PageCache(60_000, 1_000_000, 0.5)
    const body = Buffer.from(`<!doctype html>${'<p>words words words</p>'.repeat(400)}`)
    const page = cache.set(1, '/', cache.generation(1), HEADERS, body)
    assert.isBelow(page.gzip.length, body.length / 10)
    assert.isBelow(page.br.length, page.gzip.length)
    assert.deepEqual(gunzipSync(page.gzip), body)
    assert.deepEqual(cache.plain(1, '/', page), body)
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
    assert.equal(deliver(page, { ifNoneMatch: page.etag }).status, 304)
    assert.equal(deliver(page, { ifNoneMatch: `"other", W/${page.etag}` }).status, 304)
    assert.equal(deliver(page, { ifNoneMatch: '"other"' }).status, 200)
    assert.equal(deliver(page, { ifModifiedSince: page.lastModified }).status, 304)
    const fresh = deliver(page, { acceptEncoding: 'gzip' })
    const headers = Object.fromEntries(
      Array.from({ length: fresh.head.length / 2 }, (_, i) => [fresh.head[2 * i], fresh.head[2 * i + 1]])
    )
    assert.equal(headers['content-encoding'], 'gzip')
    assert.equal(headers['content-length'], String(page.gzip.length))
    assert.match(headers['cache-control'], /^public, max-age=\d+, s-maxage=\d+$/)
    assert.equal(headers.vary, 'Accept-Encoding, Cookie')
  })
})
