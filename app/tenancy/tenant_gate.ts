import { TenantBusyError } from '#tenancy/errors'

/*
 * At most `perTenant` pooled connections per tenant at once, so one blog's traffic can
 * never hold the whole pool: its further requests wait for one of its own slots (up to
 * `waitMs`, then TenantBusyError, a 503), while other blogs still find connections.
 */
export class TenantGate {
  #inUse = new Map<number, number>()
  #waiting = new Map<number, (() => void)[]>()

  constructor(
    readonly perTenant: number,
    private waitMs: number
  ) {}

  inUse(tenantId: number) {
    return this.#inUse.get(tenantId) ?? 0
  }

  async enter(tenantId: number): Promise<void> {
    const used = this.inUse(tenantId)
    if (used < this.perTenant) {
      this.#inUse.set(tenantId, used + 1)
      return
    }
    await new Promise<void>((resolve, reject) => {
      const queue = this.#waiting.get(tenantId) ?? []
      this.#waiting.set(tenantId, queue)
      const grant = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(grant), 1)
        if (queue.length === 0) this.#waiting.delete(tenantId)
        reject(new TenantBusyError('This blog is serving as many requests as it may at once'))
      }, this.waitMs)
      queue.push(grant)
    })
  }

  /*
   * A slot freed goes to the tenant's next waiting request, if any.
   */
  leave(tenantId: number) {
    const queue = this.#waiting.get(tenantId)
    const next = queue?.shift()
    if (queue && queue.length === 0) this.#waiting.delete(tenantId)
    if (next) return next()
    const used = this.inUse(tenantId) - 1
    if (used > 0) this.#inUse.set(tenantId, used)
    else this.#inUse.delete(tenantId)
  }
}
