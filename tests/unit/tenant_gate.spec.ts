import { test } from '@japa/runner'
import { TenantGate } from '#tenancy/tenant_gate'
import { TenantBusyError } from '#tenancy/errors'

test.group('Tenant gate (a share of the pool per tenant)', () => {
  test('a tenant holds at most its share; others are not held up', async ({ assert }) => {
    const gate = new TenantGate(2, 200)
    await gate.enter(1)
    await gate.enter(1)
    const started = performance.now()
    await gate.enter(2)
    assert.isBelow(performance.now() - started, 20, 'another tenant enters at once')

    let third = false
    const waiting = gate.enter(1).then(() => (third = true))
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.isFalse(third, 'the third request of tenant 1 waits')
    gate.leave(1)
    await waiting
    assert.isTrue(third, 'and takes the slot its tenant freed')
    assert.equal(gate.inUse(1), 2)
  })

  test('a request that waits too long is refused as busy, and frees nothing', async ({ assert }) => {
    const gate = new TenantGate(1, 50)
    await gate.enter(7)
    await assert.rejects(() => gate.enter(7), TenantBusyError as any)
    assert.equal(gate.inUse(7), 1)
    gate.leave(7)
    assert.equal(gate.inUse(7), 0)
    await gate.enter(7)
  })
})
