import type pg from 'pg'
import { TenantBusyError } from '#tenancy/errors'
import type { TenantGate } from '#tenancy/tenant_gate'

/*
 * The connections tenant work runs on: a fixed set of slots, whatever the number of
 * tenants. A tenant's work prefers the slot its id hashes to and spills to any free slot
 * after a short wait, so each PostgreSQL backend mostly sees about 1/slots of the tenants:
 * PostgreSQL keeps catalog entries for every relation a backend has touched and never
 * evicts them, about 30 KB per tenant schema per backend. Each connection is replaced
 * after a jittered lifetime, which bounds what a backend accumulates. Behind a
 * transaction-mode PgBouncer the affinity does not reach the server connections; the
 * slots stay correct, since nothing leaves state on a connection.
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

interface Slot {
  index: number
  connection: pg.Client | null
  busy: boolean
  expiresAt: number
  waiters: ((slot: Slot) => void)[]
}

export class TenantConnections {
  #slots: Slot[]
  #queue: ((slot: Slot) => void)[] = []
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
   * Knuth's multiplicative hash: consecutive tenant ids land on different slots.
   */
  preferredSlot(tenantId: number) {
    return (Math.imul(tenantId, 2_654_435_761) >>> 0) % this.#slots.length
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

  #slot(tenantId: number): Promise<Slot> {
    const preferred = this.#slots[this.preferredSlot(tenantId)]
    if (!preferred.busy) {
      preferred.busy = true
      this.stats.affine++
      return Promise.resolve(preferred)
    }
    return new Promise((resolve, reject) => {
      let settled = false
      const take = (slot: Slot) => {
        settled = true
        clearTimeout(spill)
        clearTimeout(timeout)
        resolve(slot)
      }
      const affine = (slot: Slot) => {
        this.stats.affine++
        take(slot)
      }
      const spill = setTimeout(() => {
        if (settled) return
        preferred.waiters.splice(preferred.waiters.indexOf(affine), 1)
        const free = this.#slots.find((slot) => !slot.busy)
        this.stats.spilled++
        if (free) {
          free.busy = true
          take(free)
        } else {
          this.#queue.push(take)
        }
      }, this.settings.spillAfterMs)
      const timeout = setTimeout(() => {
        if (settled) return
        settled = true
        clearTimeout(spill)
        const waiting = preferred.waiters.indexOf(affine)
        if (waiting !== -1) preferred.waiters.splice(waiting, 1)
        const queued = this.#queue.indexOf(take)
        if (queued !== -1) this.#queue.splice(queued, 1)
        reject(new TenantBusyError('No database connection came free in time'))
      }, this.settings.acquireTimeoutMs)
      preferred.waiters.push(affine)
    })
  }

  /*
   * A freed slot goes to whoever waits for it by preference, else to the longest waiting
   * request of any tenant.
   */
  #release(slot: Slot, broken: boolean) {
    const connection = slot.connection
    if (connection && (broken || Date.now() > slot.expiresAt || (connection as any).__knex__disposed)) {
      slot.connection = null
      this.factory.destroyRawConnection(connection).catch(() => {})
    }
    const next = slot.waiters.shift() ?? this.#queue.shift()
    if (next) next(slot)
    else slot.busy = false
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
    if (slot.busy) await new Promise<void>((resolve) => slot.waiters.unshift(() => resolve()))
    else slot.busy = true
    if (!slot.connection) {
      this.#release(slot, false)
      return null
    }
    return { connection: slot.connection, release: () => this.#release(slot, false) }
  }
}
