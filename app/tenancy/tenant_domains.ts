import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import {
  DomainNotFoundError,
  DomainTakenError,
  InvalidDomainError,
  LastDomainError,
  TenantNotFoundError,
} from '#tenancy/errors'
import { assertValidDomain } from '#tenancy/host'
import { assertValidSchemaName } from '#tenancy/schema_name'
import type { TenancyChange } from '#tenancy/tenant_resolver'

/*
 * A tenant's domains. Every tenant keeps at least one, exactly one of them primary.
 * Changes reach every process's host cache through the tenancy triggers.
 */
export class TenantDomains {
  constructor(
    private appDomain: string,
    private onChange: (change: TenancyChange) => void
  ) {}

  async list(schemaName: string): Promise<Domain[]> {
    return db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, false)
      return this.#domainsOf(trx, tenant.id)
    })
  }

  async add(schemaName: string, rawDomain: string, { primary = false } = {}): Promise<Domain> {
    const domain = this.#validate(rawDomain)
    const added = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      if (primary) {
        await Domain.query({ client: trx }).where('tenant_id', tenant.id).update({ isPrimary: false })
      }
      try {
        return await Domain.create({ tenantId: tenant.id, domain, isPrimary: primary }, { client: trx })
      } catch (error) {
        if (error?.code === '23505') throw new DomainTakenError(`The domain "${domain}" is already taken`)
        throw error
      }
    })
    this.onChange({ tenantIds: [added.tenantId], hosts: [domain] })
    return added
  }

  /*
   * Removing the primary domain promotes the oldest remaining one; removing the last
   * domain is refused (the blog would be unreachable).
   */
  async remove(schemaName: string, rawDomain: string): Promise<{ promoted: string | null }> {
    const domain = rawDomain.trim().toLowerCase()
    const result = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      const domains = await this.#domainsOf(trx, tenant.id)
      const target = domains.find((entry) => entry.domain === domain)
      if (!target) throw new DomainNotFoundError(`"${domain}" is not a domain of "${schemaName}"`)
      if (domains.length === 1) {
        throw new LastDomainError(
          `"${domain}" is the last domain of "${schemaName}": add another one before removing it`
        )
      }
      await target.delete()
      if (!target.isPrimary) return { promoted: null, tenantId: tenant.id }
      const successor = domains
        .filter((entry) => entry.id !== target.id)
        .sort((a, b) => a.id - b.id)[0]
      successor.isPrimary = true
      await successor.save()
      return { promoted: successor.domain, tenantId: tenant.id }
    })
    this.onChange({ tenantIds: [result.tenantId], hosts: [domain] })
    return { promoted: result.promoted }
  }

  #validate(rawDomain: string) {
    const domain = rawDomain.trim().toLowerCase().replace(/\.$/, '')
    assertValidDomain(domain)
    if (domain === this.appDomain) {
      throw new InvalidDomainError(`"${domain}" is the main site's domain`)
    }
    return domain
  }

  async #tenant(trx: TransactionClientContract, schemaName: string, lock: boolean) {
    assertValidSchemaName(schemaName)
    const query = Tenant.query({ client: trx }).where('schema_name', schemaName)
    if (lock) query.forUpdate()
    const tenant = await query.first()
    if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
    return tenant
  }

  #domainsOf(trx: TransactionClientContract, tenantId: number) {
    return Domain.query({ client: trx })
      .where('tenant_id', tenantId)
      .orderBy('is_primary', 'desc')
      .orderBy('domain')
  }
}
