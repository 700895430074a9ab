import { test } from '@japa/runner'
import { isValidDomain, normalizeHost } from '#tenancy/host'

test.group('Host normalisation', () => {
  test('normalises {0} to {1}')
    .with([
      ['Alice.Localhost:3333', 'alice.localhost'],
      ['alice.localhost.', 'alice.localhost'],
      ['alice.localhost', 'alice.localhost'],
      ['blog.example.com:443', 'blog.example.com'],
    ] as const)
    .run(({ assert }, [raw, expected]) => {
      assert.equal(normalizeHost(raw), expected)
    })

  test('turns away {0}')
    .with(['', '127.0.0.1', '[::1]:3333', 'a'.repeat(300), 'bad_host.localhost', 'xn--', 'ex ample.com', 'é.localhost'])
    .run(({ assert }, raw) => {
      assert.isNull(normalizeHost(raw))
    })

  test('validates domains', ({ assert }) => {
    assert.isTrue(isValidDomain('xn--bcher-kva.example'))
    assert.isFalse(isValidDomain('-bad.example'))
    assert.isFalse(isValidDomain('a..b'))
  })
})
