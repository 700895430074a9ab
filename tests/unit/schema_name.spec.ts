import { test } from '@japa/runner'
import { assertValidSchemaName, isValidSchemaName, quoteSchema } from '#tenancy/schema_name'

test.group('Schema names', () => {
  test('accepts {0}')
    .with(['alice', 'a', 'blog_2026', 'a'.repeat(63), 't001'])
    .run(({ assert }, name) => {
      assert.isTrue(isValidSchemaName(name))
    })

  test('rejects {0}')
    .with([
      'a"; drop schema public; --',
      'pg_x',
      'pg_catalog',
      'public',
      'information_schema',
      'a'.repeat(64),
      'Alice',
      'ALICE',
      'élodie',
      'straße',
      '',
      '1abc',
      '_abc',
      'a-b',
      'a b',
      'a.b',
      'select',
      'user',
      'www',
      'admin',
      'api',
    ])
    .run(({ assert }, name) => {
      assert.isFalse(isValidSchemaName(name))
      assert.throws(() => assertValidSchemaName(name), /Invalid tenant name/)
      assert.throws(() => quoteSchema(name), /Invalid tenant name/)
    })

  test('quotes valid names by the driver rules', ({ assert }) => {
    assert.equal(quoteSchema('alice'), '"alice"')
  })
})
