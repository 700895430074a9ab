import { AsyncLocalStorage } from 'node:async_hooks'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { TenantNotBoundError } from '#tenancy/errors'
import { quoteSchema } from '#tenancy/schema_name'
import { CONTENT_CHANNEL, tenancyEvents } from '#tenancy/tenancy_events'
import type { TenantRef } from '#tenancy/types'
import type { Lease, TenantConnections } from '#tenancy/tenant_connections'

/*
 * A tenant scope is one transaction whose search_path is set with set_config(...,
 * is_local = true). PostgreSQL drops the setting at COMMIT or ROLLBACK, so no connection
 * (nor a PgBouncer server connection in transaction mode) ever carries a tenant's path
 * into its next use. Requests run it on one of the tenant connection slots (their
 * tenant's own when it is free); commands, jobs and tests on Lucid's pool.
 */
export interface ScopeOptions {
  limits?: ScopeLimits
  connections?: TenantConnections
}

export class TenantScope {
  #failed = false

  private constructor(
    readonly tenant: TenantRef,
    readonly client: TransactionClientContract,
    private lease: Lease | null
  ) {}

  static async open(tenant: TenantRef, { limits, connections }: ScopeOptions = {}): Promise<TenantScope> {
    const lease = connections ? await connections.acquire(tenant.id) : null
    let trx: TransactionClientContract | undefined
    try {
      trx = lease ? await transactionOn(lease) : await db.transaction()
      await applySchema(trx, tenant.schemaName, limits)
    } catch (error) {
      if (trx && !trx.isCompleted) await trx.rollback().catch(() => {})
      lease?.release(true)
      throw error
    }
    const scope = new TenantScope(tenant, trx, lease)
    scopesByClient.set(trx, scope)
    return scope
  }

  get isOpen() {
    return !this.client.isCompleted
  }

  markFailed() {
    this.#failed = true
  }

  /*
   * A savepoint inside the scope. Rolling it back cannot widen the scope: the path was
   * set in the enclosing transaction and a savepoint rollback only restores that value.
   */
  async savepoint<T>(fn: (client: TransactionClientContract) => Promise<T>): Promise<T> {
    const nested = await this.client.transaction()
    scopesByClient.set(nested, this)
    try {
      const result = await fn(nested)
      await nested.commit()
      return result
    } catch (error) {
      if (!nested.isCompleted) await nested.rollback()
      throw error
    }
  }

  /*
   * With `announce`, a committed scope tells every process that this tenant's data may
   * have changed (NOTIFY is delivered only if the transaction commits), and this process
   * at once.
   */
  async end(commit: boolean, { announce = false } = {}) {
    if (this.client.isCompleted) return this.#release(false)
    try {
      if (!commit || this.#failed) {
        await this.client.rollback()
        return this.#release(false)
      }
      if (announce) {
        await this.client.rawQuery('select pg_notify(?, ?)', [CONTENT_CHANNEL, String(this.tenant.id)])
      }
      await this.client.commit()
      this.#release(false)
      if (announce) tenancyEvents.emit('content', this.tenant.id)
    } catch (error) {
      this.#release(true)
      throw error
    }
  }

  #release(broken: boolean) {
    this.lease?.release(broken)
    this.lease = null
  }
}

/*
 * A Lucid transaction on a slot's connection: knex takes a given connection and leaves
 * it to its owner when the transaction ends (Lucid's typings do not show the option).
 */
function transactionOn(lease: Lease): Promise<TransactionClientContract> {
  const client = db.connection() as unknown as {
    transaction(callback: undefined, options: { connection: unknown }): Promise<TransactionClientContract>
  }
  return client.transaction(undefined, { connection: lease.connection })
}

/*
 * Time limits of a request's transaction, set locally like the path: a statement that runs
 * too long is cancelled, and a transaction left idle (a bug, a stuck handler) is ended by
 * the server instead of holding its connection.
 */
export interface ScopeLimits {
  statementTimeoutMs: number
  idleInTransactionTimeoutMs: number
}

/*
 * Points an open transaction at one tenant schema, for the rest of that transaction only.
 */
export async function applySchema(
  trx: TransactionClientContract,
  schemaName: string,
  limits?: ScopeLimits
) {
  const path = quoteSchema(schemaName)
  if (limits) {
    await trx.rawQuery(
      `select set_config('search_path', ?, true), set_config('statement_timeout', ?, true),
              set_config('idle_in_transaction_session_timeout', ?, true)`,
      [path, String(limits.statementTimeoutMs), String(limits.idleInTransactionTimeoutMs)]
    )
  } else {
    await trx.rawQuery(`select set_config('search_path', ?, true)`, [path])
  }
}

const scopesByClient = new WeakMap<object, TenantScope>()
const storage = new AsyncLocalStorage<TenantScope>()

export function scopeOfClient(client: unknown): TenantScope | undefined {
  return client && typeof client === 'object' ? scopesByClient.get(client) : undefined
}

export function currentScope(): TenantScope | undefined {
  const scope = storage.getStore()
  return scope?.isOpen ? scope : undefined
}

/*
 * The bound scope's query client, for hand-written SQL against tenant tables. Throws when
 * no tenant is bound, like the tenant models do.
 */
export function scopedClient(): TransactionClientContract {
  const scope = currentScope()
  if (!scope) throw new TenantNotBoundError('Tenant SQL needs a bound tenant scope')
  return scope.client
}

/*
 * A savepoint in the bound scope, for work that may fail and be retried without losing
 * the rest of the request's transaction.
 */
export function inSavepoint<T>(fn: (client: TransactionClientContract) => Promise<T>): Promise<T> {
  const scope = currentScope()
  if (!scope) throw new TenantNotBoundError('A savepoint needs a bound tenant scope')
  return scope.savepoint(fn)
}

export function runInScope<T>(scope: TenantScope, fn: () => T): T {
  return storage.run(scope, fn)
}

/*
 * The scoping requests get, for commands, jobs and tests: `fn` runs in one transaction
 * on the tenant's schema, committed when it resolves and rolled back when it throws.
 */
export async function withTenant<T>(
  tenant: TenantRef,
  fn: (scope: TenantScope) => Promise<T>
): Promise<T> {
  const scope = await TenantScope.open(tenant)
  try {
    const result = await runInScope(scope, () => fn(scope))
    await scope.end(true, { announce: true })
    return result
  } catch (error) {
    await scope.end(false)
    throw error
  }
}
