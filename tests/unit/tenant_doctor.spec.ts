import { test } from '@japa/runner'
import { lockTableFinding } from '#tenancy/tenant_doctor'

test.group('tenants:doctor: PostgreSQL settings for the installation size', () => {
  test("PostgreSQL's default lock table is enough for a few hundred tenants, not for thousands", ({ assert }) => {
    const defaults = { locksPerTransaction: 64, connections: 100, preparedTransactions: 0 }
    assert.isNull(lockTableFinding({ ...defaults, relations: 600 }))

    const finding = lockTableFinding({ ...defaults, relations: 3 * 3_000 })
    assert.equal(finding?.kind, 'setting')
    assert.include(finding!.detail, '9000 relations, but the lock table holds 6400 locks')
    assert.equal(finding!.advice, 'set max_locks_per_transaction = 128 in postgresql.conf and restart PostgreSQL')
    const advised = Number(/= (\d+)/.exec(finding!.advice!)![1])
    assert.isNull(lockTableFinding({ ...defaults, relations: 9_000, locksPerTransaction: advised }), 'the advice is enough')
  })
})
