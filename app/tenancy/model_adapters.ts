import db from '@adonisjs/lucid/services/db'
import { Adapter } from '@adonisjs/lucid/orm'
import type {
  LucidModel,
  LucidRow,
  ModelAdapterOptions,
} from '@adonisjs/lucid/types/model'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { CrossTenantError, TenantNotBoundError } from '#tenancy/errors'
import { currentScope, scopeOfClient } from '#tenancy/tenant_scope'

function isLive(client: QueryClientContract | undefined) {
  return !!client && !(client.isTransaction && (client as any).isCompleted)
}

/*
 * The tenant a row was loaded or saved in. Lucid forgets a row's transaction when it
 * ends, so the row's tenant is remembered here to refuse saving it into another one.
 */
const origins = new WeakMap<LucidRow, string>()

export function rememberOrigin(row: LucidRow, client: unknown) {
  const scope = scopeOfClient(client)
  if (scope) origins.set(row, scope.tenant.schemaName)
}

/*
 * Tenant models only ever run on a tenant scope's transaction: one passed explicitly, the
 * one the row was loaded with, or the scope bound to the current request/withTenant call.
 * Anything else throws. There is no path to the model's default (public) connection, which
 * is also what catches a row saved after its transaction ended.
 */
export class TenantModelAdapter extends Adapter {
  modelConstructorClient(model: LucidModel, options?: ModelAdapterOptions) {
    const explicit = options?.client
    if (explicit) {
      const owner = scopeOfClient(explicit)
      if (!owner) {
        throw new TenantNotBoundError(
          `${model.name} is a tenant model: the query client passed to it is not a tenant scope`
        )
      }
      if (isLive(explicit)) return explicit
      return this.#currentFor(model, owner.tenant.schemaName)
    }
    return this.#currentFor(model)
  }

  modelClient(instance: LucidRow) {
    const model = instance.constructor as LucidModel
    const client =
      instance.$trx && isLive(instance.$trx)
        ? this.modelConstructorClient(model, { client: instance.$trx })
        : this.#currentFor(model, origins.get(instance))
    const origin = origins.get(instance)
    const target = scopeOfClient(client)!.tenant.schemaName
    if (origin && origin !== target) {
      throw new CrossTenantError(
        `${model.name} row belongs to tenant "${origin}" but was about to be written to "${target}"`
      )
    }
    origins.set(instance, target)
    return client
  }

  #currentFor(model: LucidModel, expectedSchema?: string) {
    const scope = currentScope()
    if (!scope) {
      throw new TenantNotBoundError(
        `${model.name} is a tenant model and no tenant is bound: use it inside a tenant request or withTenant()`
      )
    }
    if (expectedSchema && scope.tenant.schemaName !== expectedSchema) {
      throw new CrossTenantError(
        `${model.name} row belongs to tenant "${expectedSchema}" but tenant "${scope.tenant.schemaName}" is bound`
      )
    }
    return scope.client
  }
}

/*
 * Public models use schema-qualified tables, so any client can run them. Inside a tenant
 * scope they share its transaction: a request then holds one pooled connection, never two,
 * which keeps the pool from deadlocking under load.
 */
export class PublicModelAdapter extends Adapter {
  modelConstructorClient(model: LucidModel, options?: ModelAdapterOptions) {
    if (options?.client && isLive(options.client)) return options.client
    const scope = currentScope()
    if (scope && !options?.connection) return scope.client
    return db.connection(options?.connection ?? model.connection)
  }

  modelClient(instance: LucidRow) {
    if (instance.$trx && isLive(instance.$trx)) return instance.$trx
    return this.modelConstructorClient(instance.constructor as LucidModel, instance.$options)
  }
}
