import db from '@adonisjs/lucid/services/db'
import { BaseModel } from '@adonisjs/lucid/orm'
import type { ModelAdapterOptions } from '@adonisjs/lucid/types/model'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { PublicModelAdapter, TenantModelAdapter, rememberOrigin } from '#tenancy/model_adapters'

/*
 * Base for models whose table lives in each tenant's schema. Tables are unqualified and
 * resolved through the scope's search_path, which holds the tenant schema only.
 */
export class TenantBaseModel extends BaseModel {
  static $adapter = new TenantModelAdapter(db)

  $setOptionsAndTrx(options?: ModelAdapterOptions) {
    super.$setOptionsAndTrx(options)
    rememberOrigin(this, options?.client)
  }

  useTransaction(trx: TransactionClientContract) {
    rememberOrigin(this, trx)
    return super.useTransaction(trx)
  }
}

/*
 * Base for models in the shared public schema. Subclasses name their table with the
 * `public.` prefix so that a tenant's search_path can never redirect them.
 */
export class PublicBaseModel extends BaseModel {
  static $adapter = new PublicModelAdapter(db)
}
