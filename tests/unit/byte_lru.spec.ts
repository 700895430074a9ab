import { test } from '@japa/runner'
import { ByteLru, ENTRY_OVERHEAD_BYTES } from '#tenancy/byte_lru'

const cost = (key: string, bytes: number) => key.length + bytes + ENTRY_OVERHEAD_BYTES

test.group('Byte-bounded LRU', () => {
  test('holds what fits in its bytes, dropping the least recently used first', ({ assert }) => {
    const lru = new ByteLru<string>(cost('a', 1000) * 3)
    lru.set('a', 'A', 1000)
    lru.set('b', 'B', 1000)
    lru.set('c', 'C', 1000)
    assert.equal(lru.get('a'), 'A')
    lru.set('d', 'D', 1000)
    assert.isUndefined(lru.peek('b'), 'b was the least recently used')
    assert.deepEqual(['a', 'c', 'd'].map((key) => lru.peek(key)), ['A', 'C', 'D'])
    assert.isAtMost(lru.bytes, lru.maxBytes)
  })

  test('never holds more than its budget, however large or many the entries', ({ assert }) => {
    const lru = new ByteLru<number>(64 * 1024)
    for (let i = 0; i < 10_000; i++) lru.set(`k${i}`, i, (i % 7) * 1000)
    assert.isAtMost(lru.bytes, 64 * 1024)
    assert.isFalse(lru.set('huge', 1, 65 * 1024), 'an entry larger than the whole cache is refused')
    assert.isUndefined(lru.peek('huge'))
  })

  test('a group cannot hold more than its share, and others keep theirs', ({ assert }) => {
    const lru = new ByteLru<string>(cost('x:00', 1000) * 10, cost('x:00', 1000) * 2)
    lru.set('b:01', 'b1', 1000, 2)
    for (let i = 0; i < 20; i++) lru.set(`a:${String(i).padStart(2, '0')}`, `a${i}`, 1000, 1)
    assert.equal(lru.groupBytes(1), cost('a:00', 1000) * 2)
    assert.deepEqual([lru.peek('a:18'), lru.peek('a:19')], ['a18', 'a19'])
    assert.equal(lru.peek('b:01'), 'b1', 'the other group was not evicted')

    lru.deleteGroup(1)
    assert.equal(lru.groupBytes(1), 0)
    assert.equal(lru.bytes, cost('b:01', 1000))
  })

  test('within a group, reading an entry keeps it longer', ({ assert }) => {
    const lru = new ByteLru<string>(10_000, cost('a1', 100) * 2)
    lru.set('a1', '1', 100, 1)
    lru.set('a2', '2', 100, 1)
    lru.get('a1')
    lru.set('a3', '3', 100, 1)
    assert.equal(lru.peek('a1'), '1')
    assert.isUndefined(lru.peek('a2'))
  })
})
