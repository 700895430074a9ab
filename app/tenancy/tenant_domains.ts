import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import {
  DomainLimitError,
  DomainNotFoundError,
  DomainNotVerifiedError,
  DomainTakenError,
  InvalidDomainError,
  LastDomainError,
  TenantNotFoundError,
} from '#tenancy/errors'
import { assertValidDomain } from '#tenancy/host'
import { assertValidSchemaName } from '#tenancy/schema_name'
import type { TenancyChange } from '#tenancy/tenant_resolver'

/*
 * A tenant's domains. Every tenant keeps at least one verified domain, exactly one of
 * them primary; claims awaiting verification serve nothing.
 * Changes reach every process's host cache through the tenancy triggers.
 */
export class TenantDomains {
  constructor(
    private appDomain: string,
    private onChange: (change: TenancyChange) => void,
    private defaultDomain: (schemaName: string) => string
  ) {}

  async list(schemaName: string): Promise<Domain[]> {
    return db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, false)
      return this.#domainsOf(trx, tenant.id)
    })
  }

  /*
   * A domain an administrator vouches for: verified at once, the blog's own pending claim
   * of it included, and other blogs' claims dropped. With `maxCustom`, the blog may hold at
   * most that many domains besides its own subdomain, this one counted once.
   */
  async add(
    schemaName: string,
    rawDomain: string,
    { primary = false, maxCustom = Number.POSITIVE_INFINITY } = {}
  ): Promise<Domain> {
    const domain = this.#validate(rawDomain)
    const { added, dropped } = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      if (domain !== this.defaultDomain(schemaName)) {
        await this.#assertRoom(trx, tenant.id, schemaName, maxCustom, domain)
      }
      if (primary) {
        await Domain.query({ client: trx }).where('tenant_id', tenant.id).update({ isPrimary: false })
      }
      try {
        const claimed = await Domain.query({ client: trx })
          .where('tenant_id', tenant.id)
          .where('domain', domain)
          .whereNull('verified_at')
          .first()
        const row = claimed
          ? await claimed.merge({ verifiedAt: DateTime.now(), verificationToken: null, isPrimary: primary }).save()
          : await Domain.create({ tenantId: tenant.id, domain, isPrimary: primary, verifiedAt: DateTime.now() }, { client: trx })
        return { added: row, dropped: await this.#dropOtherClaims(trx, domain, tenant.id) }
      } catch (error) {
        if (error?.code === '23505') throw new DomainTakenError(`The domain "${domain}" is already taken`)
        throw error
      }
    })
    this.onChange({ tenantIds: [added.tenantId, ...dropped], hosts: [domain] })
    return added
  }

  /*
   * Counted with the tenant row locked (the caller's #tenant), so concurrent additions
   * cannot pass the limit together.
   */
  async #assertRoom(trx: TransactionClientContract, tenantId: number, schemaName: string, maxCustom: number, domain: string) {
    const custom = await Domain.query({ client: trx })
      .where('tenant_id', tenantId)
      .whereNot('domain', this.defaultDomain(schemaName))
      .whereNot('domain', domain)
      .count('* as n')
    if (Number(custom[0].$extras.n) >= maxCustom) {
      throw new DomainLimitError(`"${schemaName}" has ${custom[0].$extras.n} custom domains`)
    }
  }

  /*
   * A domain the blog's owner says is theirs, not yet proven: it serves nothing until
   * verify(). At most `maxCustom` domains besides the blog's own subdomain.
   */
  async claim(
    schemaName: string,
    rawDomain: string,
    token: string,
    maxCustom: number
  ): Promise<Domain> {
    const domain = this.#validate(rawDomain)
    const claimed = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      await this.#assertRoom(trx, tenant.id, schemaName, maxCustom, domain)
      try {
        return await Domain.create(
          { tenantId: tenant.id, domain, isPrimary: false, verifiedAt: null, verificationToken: token },
          { client: trx }
        )
      } catch (error) {
        if (error?.code === '23505') throw new DomainTakenError(`The domain "${domain}" is already a domain of this blog`)
        throw error
      }
    })
    this.onChange({ tenantIds: [claimed.tenantId], hosts: [domain] })
    return claimed
  }

  /*
   * Marks a claimed domain proven (its TXT record was checked by the caller, outside any
   * transaction). Other blogs' pending claims of the same name are dropped; a name another
   * blog has already verified is refused.
   */
  async verify(schemaName: string, rawDomain: string): Promise<Domain> {
    const domain = this.#validate(rawDomain)
    const { verified, dropped } = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      const row = await Domain.query({ client: trx })
        .where('tenant_id', tenant.id)
        .where('domain', domain)
        .first()
      if (!row) throw new DomainNotFoundError(`"${domain}" is not a domain of "${schemaName}"`)
      if (row.verifiedAt) return { verified: row, dropped: [] }
      row.verifiedAt = DateTime.now()
      row.verificationToken = null
      try {
        await row.save()
      } catch (error) {
        if (error?.code === '23505') throw new DomainTakenError(`The domain "${domain}" is already taken`)
        throw error
      }
      return { verified: row, dropped: await this.#dropOtherClaims(trx, domain, tenant.id) }
    })
    this.onChange({ tenantIds: [verified.tenantId, ...dropped], hosts: [domain] })
    return verified
  }

  /*
   * Makes a verified domain the one the blog is served at; its other domains redirect there.
   */
  async makePrimary(schemaName: string, rawDomain: string): Promise<void> {
    const domain = this.#validate(rawDomain)
    const tenantId = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      const domains = await this.#domainsOf(trx, tenant.id)
      const target = domains.find((entry) => entry.domain === domain)
      if (!target) throw new DomainNotFoundError(`"${domain}" is not a domain of "${schemaName}"`)
      if (!target.verifiedAt) throw new DomainNotVerifiedError(`"${domain}" is not verified yet`)
      if (target.isPrimary) return tenant.id
      await Domain.query({ client: trx }).where('tenant_id', tenant.id).where('is_primary', true).update({ isPrimary: false })
      target.isPrimary = true
      await target.save()
      return tenant.id
    })
    this.onChange({ tenantIds: [tenantId], hosts: [domain] })
  }

  /*
   * Removing the primary domain promotes the blog's own subdomain when it has it, else
   * its oldest verified domain; removing the last verified domain is refused (the blog
   * would be unreachable). A pending claim can always go.
   */
  async remove(schemaName: string, rawDomain: string): Promise<{ promoted: string | null }> {
    const domain = rawDomain.trim().toLowerCase()
    const result = await db.transaction(async (trx) => {
      const tenant = await this.#tenant(trx, schemaName, true)
      const domains = await this.#domainsOf(trx, tenant.id)
      const target = domains.find((entry) => entry.domain === domain)
      if (!target) throw new DomainNotFoundError(`"${domain}" is not a domain of "${schemaName}"`)
      const others = domains.filter((entry) => entry.id !== target.id && entry.verifiedAt)
      if (target.verifiedAt && others.length === 0) {
        throw new LastDomainError(
          `"${domain}" is the last domain of "${schemaName}": add another one before removing it`
        )
      }
      await target.delete()
      if (!target.isPrimary) return { promoted: null, tenantId: tenant.id }
      const own = this.defaultDomain(schemaName)
      const successor =
        others.find((entry) => entry.domain === own) ?? others.sort((a, b) => a.id - b.id)[0]
      successor.isPrimary = true
      await successor.save()
      return { promoted: successor.domain, tenantId: tenant.id }
    })
    this.onChange({ tenantIds: [result.tenantId], hosts: [domain] })
    return { promoted: result.promoted }
  }

  async #dropOtherClaims(trx: TransactionClientContract, domain: string, tenantId: number): Promise<number[]> {
    const { rows } = await trx.rawQuery(
      `delete from public.domains where domain = ? and tenant_id <> ? and verified_at is null returning tenant_id`,
      [domain, tenantId]
    )
    return rows.map((row: { tenant_id: number }) => row.tenant_id)
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
