import type pg from 'pg'
import { TenantBusyError } from '#tenancy/errors'
import type { TenantGate } from '#tenancy/tenant_gate'

/*
 * The connections tenant work runs on: a fixed set of slots, whatever the number of
 * tenants. A tenant's work runs on one of its two home slots (its id hashed two ways) and
 * spills to any other slot only after waiting spillAfterMs, so each PostgreSQL backend
 * sees about 2/slots of the tenants: PostgreSQL keeps catalog entries for every relation a
 * backend has touched and never evicts them, about 30 KB per tenant schema per backend.
 * Each connection is replaced after a jittered lifetime, which bounds what a backend
 * accumulates. Behind a transaction-mode PgBouncer the affinity does not reach the server
 * connections; the slots stay correct, since nothing leaves state on a connection.
 */
export interface SlotSettings {
  slots: number
  spillAfterMs: number
  acquireTimeoutMs: number
  lifetimeMs: [number, number]
}

/*
 * How slot connections are made and ended: knex's PostgreSQL client, so the connections
 * are the ones Lucid's transactions expect.
 */
export interface ConnectionFactory {
  acquireRawConnection(): Promise<pg.Client>
  destroyRawConnection(connection: pg.Client): Promise<void>
}

export interface Lease {
  connection: pg.Client
  release(broken?: boolean): void
}

interface Waiter {
  since: number
  grant: (slot: Slot) => void
}

interface Slot {
  index: number
  connection: pg.Client | null
  busy: boolean
  expiresAt: number
  waiters: Waiter[]
}

export class TenantConnections {
  #slots: Slot[]
  readonly stats = { leases: 0, affine: 0, spilled: 0, connections: 0 }

  constructor(
    private factory: ConnectionFactory,
    private gate: TenantGate,
    private settings: SlotSettings
  ) {
    this.#slots = Array.from({ length: settings.slots }, (_, index) => ({
      index,
      connection: null,
      busy: false,
      expiresAt: 0,
      waiters: [],
    }))
  }

  get size() {
    return this.#slots.length
  }

  /*
   * Slots leased right now, and the acquisitions queued for one (for metrics).
   */
  usage() {
    let busy = 0
    let waiting = 0
    for (const slot of this.#slots) {
      if (slot.busy) busy++
      waiting += slot.waiters.length
    }
    return { slots: this.#slots.length, busy, waiting }
  }

  /*
   * A tenant's two home slots, from two multiplicative hashes (consecutive tenant ids land
   * on different slots); the second differs from the first when there are two slots.
   */
  homeSlots(tenantId: number): [number, number] {
    const size = this.#slots.length
    const first = (Math.imul(tenantId, 2_654_435_761) >>> 0) % size
    if (size === 1) return [first, first]
    const offset = 1 + ((Math.imul(tenantId, 2_246_822_519) >>> 0) % (size - 1))
    return [first, (first + offset) % size]
  }

  async acquire(tenantId: number): Promise<Lease> {
    await this.gate.enter(tenantId)
    let slot: Slot
    try {
      slot = await this.#slot(tenantId)
    } catch (error) {
      this.gate.leave(tenantId)
      throw error
    }
    try {
      const connection = await this.#connect(slot)
      this.stats.leases++
      let released = false
      return {
        connection,
        release: (broken = false) => {
          if (released) return
          released = true
          this.gate.leave(tenantId)
          this.#release(slot, broken)
        },
      }
    } catch (error) {
      this.gate.leave(tenantId)
      this.#release(slot, true)
      throw error
    }
  }

  /*
   * Runs `fn` on every open slot connection once it is free (tests check what a request
   * leaves behind on them).
   */
  async inspect<T>(fn: (connection: pg.Client) => Promise<T>): Promise<T[]> {
    const results: T[] = []
    for (let index = 0; index < this.#slots.length; index++) {
      const lease = await this.#leaseOf(index)
      try {
        if (lease) results.push(await fn(lease.connection))
      } finally {
        lease?.release()
      }
    }
    return results
  }

  async close() {
    await Promise.all(
      this.#slots.map(async (slot) => {
        const connection = slot.connection
        slot.connection = null
        if (connection) await this.factory.destroyRawConnection(connection).catch(() => {})
      })
    )
  }

  /*
   * Each slot has its own queue: a tenant takes a free home slot, or waits in the shorter
   * queue of its two, so under load every backend keeps serving the same tenants. A request
   * that waited spillAfterMs takes a free slot if there is one, or the next slot that finds
   * its own queue empty.
   */
  #slot(tenantId: number): Promise<Slot> {
    const [first, second] = this.homeSlots(tenantId).map((index) => this.#slots[index])
    const free = !first.busy ? first : !second.busy ? second : null
    if (free) {
      free.busy = true
      this.stats.affine++
      return Promise.resolve(free)
    }
    const preferred = second.waiters.length < first.waiters.length ? second : first
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        since: performance.now(),
        grant: (slot) => {
          clearTimeout(spill)
          clearTimeout(timeout)
          resolve(slot)
        },
      }
      const leave = () => preferred.waiters.splice(preferred.waiters.indexOf(waiter), 1)
      const spill = setTimeout(() => {
        const free = this.#slots.find((slot) => !slot.busy)
        if (!free || !preferred.waiters.includes(waiter)) return
        leave()
        free.busy = true
        this.stats.spilled++
        waiter.grant(free)
      }, this.settings.spillAfterMs)
      const timeout = setTimeout(() => {
        if (!preferred.waiters.includes(waiter)) return
        leave()
        clearTimeout(spill)
        reject(new TenantBusyError('No database connection came free in time'))
      }, this.settings.acquireTimeoutMs)
      preferred.waiters.push(waiter)
    })
  }

  /*
   * A freed slot goes to the next request of its own tenants, else to the request that has
   * waited longest past spillAfterMs for another slot.
   */
  #release(slot: Slot, broken: boolean) {
    const connection = slot.connection
    if (connection && (broken || Date.now() > slot.expiresAt || (connection as any).__knex__disposed)) {
      slot.connection = null
      this.factory.destroyRawConnection(connection).catch(() => {})
    }
    const own = slot.waiters.shift()
    if (own) {
      this.stats.affine++
      return own.grant(slot)
    }
    const now = performance.now()
    let oldest: Slot | null = null
    for (const other of this.#slots) {
      const first = other.waiters[0]
      const spills = first && now - first.since >= this.settings.spillAfterMs
      if (spills && (!oldest || first.since < oldest.waiters[0].since)) oldest = other
    }
    if (oldest) {
      this.stats.spilled++
      return oldest.waiters.shift()!.grant(slot)
    }
    slot.busy = false
  }

  async #connect(slot: Slot): Promise<pg.Client> {
    if (slot.connection && !(slot.connection as any).__knex__disposed) return slot.connection
    const [shortest, longest] = this.settings.lifetimeMs
    slot.connection = await this.factory.acquireRawConnection()
    slot.expiresAt = Date.now() + shortest + Math.random() * (longest - shortest)
    this.stats.connections++
    return slot.connection
  }

  async #leaseOf(index: number): Promise<Lease | null> {
    const slot = this.#slots[index]
    if (!slot.connection) return null
    if (slot.busy) {
      // Waiting since "never": another slot's release must not hand this waiter its slot.
      await new Promise<void>((resolve) =>
        slot.waiters.unshift({ since: Infinity, grant: () => resolve() })
      )
    } else {
      slot.busy = true
    }
    if (!slot.connection) {
      this.#release(slot, false)
      return null
    }
    return { connection: slot.connection, release: () => this.#release(slot, false) }
  }
}
