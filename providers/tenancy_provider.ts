import type { ApplicationService } from '@adonisjs/core/types'
import type { TenancyConfig } from '#config/tenancy'
import { Tenancy } from '#tenancy/tenancy'
import { TenancyChangeListener } from '#tenancy/tenant_resolver'
import type { TenantScope } from '#tenancy/tenant_scope'
import type { TenantRef } from '#tenancy/types'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

declare module '@adonisjs/core/types' {
  interface ContainerBindings {
    tenancy: Tenancy
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /*
     * The blog this request is for; null on the main site.
     */
    tenant: TenantRef | null
    /*
     * The request's tenant-scoped query client (a transaction whose search_path is the
     * tenant schema); null on the main site.
     */
    tenantDb: TransactionClientContract | null
    tenantScope: TenantScope | null
  }
}

export default class TenancyProvider {
  #listener?: TenancyChangeListener
  #tenancy?: Tenancy

  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton('tenancy', async () => {
      const config = this.app.config.get<TenancyConfig>('tenancy')
      this.#tenancy = new Tenancy(config, this.app.makePath(config.migrationsPath))
      return this.#tenancy
    })
  }

  /*
   * Servers (and the test runner, which serves HTTP) drop cached hosts when another process
   * changes tenants or domains.
   */
  async ready() {
    if (!['web', 'test'].includes(this.app.getEnvironment())) return
    const tenancy = await this.app.container.make('tenancy')
    if (!tenancy.config.cache.listen) return
    const db = await this.app.container.make('lucid.db')
    const logger = await this.app.container.make('logger')
    const connection = db.getRawConnection(db.primaryConnectionName)?.config.connection
    this.#listener = new TenancyChangeListener(
      { ...(connection as object), application_name: 'echoblogs-listener' },
      (change) => tenancy.resolver.changed(change),
      logger
    )
    await this.#listener.start()
  }

  async shutdown() {
    await this.#listener?.stop()
    await this.#tenancy?.connections.close()
  }
}
