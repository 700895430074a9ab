import { test } from '@japa/runner'
import type pg from 'pg'
import { TenantConnections } from '#tenancy/tenant_connections'
import { TenantGate } from '#tenancy/tenant_gate'
import { TenantBusyError } from '#tenancy/errors'

function slots(count: number, { spillAfterMs = 5, acquireTimeoutMs = 200 } = {}) {
  let made = 0
  const factory = {
    acquireRawConnection: async () => ({ id: ++made }) as unknown as pg.Client,
    destroyRawConnection: async () => {},
  }
  return new TenantConnections(factory, new TenantGate(100, 1000), {
    slots: count,
    spillAfterMs,
    acquireTimeoutMs,
    lifetimeMs: [60_000, 120_000],
  })
}

/*
 * Tenant ids whose two home slots are the given ones.
 */
function tenantsOn(connections: TenantConnections, homes: [number, number], count: number) {
  const ids: number[] = []
  for (let id = 1; ids.length < count; id++) {
    const [first, second] = connections.homeSlots(id)
    if (first === homes[0] && second === homes[1]) ids.push(id)
  }
  return ids
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test.group('Tenant connection slots', () => {
  test("a tenant's work runs on its home slot's connection, every time", async ({ assert }) => {
    const connections = slots(4)
    const [tenant] = tenantsOn(connections, [2, 1], 1)
    const first = await connections.acquire(tenant)
    first.release()
    const second = await connections.acquire(tenant)
    second.release()
    assert.strictEqual(first.connection, second.connection)
    assert.deepEqual(connections.stats, { leases: 2, affine: 2, spilled: 0, connections: 1 })
  })

  test('with both home slots busy, a tenant waits for them, then spills to a free slot', async ({ assert }) => {
    const connections = slots(3, { spillAfterMs: 20 })
    const [a, b, c] = tenantsOn(connections, [0, 1], 3)
    const first = await connections.acquire(a)
    const second = await connections.acquire(b)
    assert.notStrictEqual(second.connection, first.connection, 'its second home')
    const started = performance.now()
    const spilled = await connections.acquire(c)
    assert.isAtLeast(performance.now() - started, 15, 'it waited for a home slot first')
    assert.notStrictEqual(spilled.connection, first.connection)
    assert.notStrictEqual(spilled.connection, second.connection)
    assert.equal(connections.stats.spilled, 1)
    for (const lease of [first, second, spilled]) lease.release()
  })

  test('when every slot is busy, a freed slot goes to its own tenant before an older stranger', async ({
    assert,
  }) => {
    const connections = slots(2, { spillAfterMs: 1 })
    const [onZero, alsoOnZero] = tenantsOn(connections, [0, 1], 2)
    const [onOne, alsoOnOne] = tenantsOn(connections, [1, 0], 2)
    const zero = await connections.acquire(onZero)
    const one = await connections.acquire(onOne)
    const stranger = connections.acquire(alsoOnOne)
    await sleep(5)
    const own = connections.acquire(alsoOnZero)
    await sleep(1)
    zero.release()
    const next = await own
    assert.strictEqual(next.connection, zero.connection, 'its own tenant, though the stranger waited longer')
    next.release()
    const stolen = await stranger
    assert.strictEqual(stolen.connection, zero.connection, 'an idle slot takes a stranger that waited')
    stolen.release()
    one.release()
  })

  test('a request that finds no connection within the acquire timeout is refused as busy', async ({ assert }) => {
    const connections = slots(1, { acquireTimeoutMs: 50 })
    const held = await connections.acquire(1)
    await assert.rejects(() => connections.acquire(2), TenantBusyError as any)
    held.release()
    ;(await connections.acquire(2)).release()
  })

  test('inspecting a busy slot waits for that slot, not for whichever frees first', async ({ assert }) => {
    const connections = slots(2, { spillAfterMs: 1 })
    const [onZero] = tenantsOn(connections, [0, 1], 1)
    const [onOne] = tenantsOn(connections, [1, 0], 1)
    const zero = await connections.acquire(onZero)
    const one = await connections.acquire(onOne)
    const seen: pg.Client[] = []
    const inspected = connections.inspect(async (connection) => seen.push(connection))
    await sleep(5)
    one.release()
    await sleep(5)
    assert.deepEqual(seen, [], 'slot 1 came free, but slot 0 is inspected first')
    zero.release()
    await inspected
    assert.deepEqual(seen, [zero.connection, one.connection])
  })
})
