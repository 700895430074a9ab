import { test } from '@japa/runner'
import { PageCache } from '#services/page_cache'
import { tenancyEvents } from '#tenancy/tenancy_events'

const page = (bytes: number) => ({ status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.alloc(bytes) })

test.group('Page cache', () => {
  test('holds pages within its bytes, and no blog more than its share', ({ assert }) => {
    const cache = new PageCache(60_000, 200_000, 0.25)
    for (let i = 0; i < 100; i++) cache.set(1, `/?page=${i}`, cache.generation(1), page(5_000))
    cache.set(2, '/', cache.generation(2), page(5_000))
    assert.isAtMost(cache.tenantBytes(1), 50_000)
    assert.isAtMost(cache.bytes, 200_000)
    assert.isDefined(cache.get(2, '/'), "another blog's page is still there")
    assert.isDefined(cache.get(1, '/?page=99'), 'the newest pages of the busy blog are kept')
  })

  test("a blog's news drops its pages only; a fill that raced with news is not kept", ({ assert }) => {
    const cache = new PageCache(60_000, 1_000_000, 0.5)
    cache.set(1, '/', cache.generation(1), page(100))
    cache.set(2, '/', cache.generation(2), page(100))
    const before = cache.generation(1)
    tenancyEvents.emit('tenant', 1)
    cache.set(1, '/feed.xml', before, page(100))
    assert.isUndefined(cache.get(1, '/'))
    assert.isUndefined(cache.get(1, '/feed.xml'), 'rendered before the change: not kept')
    assert.isDefined(cache.get(2, '/'))
    tenancyEvents.emit('content', 2)
    assert.isUndefined(cache.get(2, '/'))
  })
})
