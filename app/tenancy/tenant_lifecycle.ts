import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import {
  DomainTakenError,
  InvalidDomainError,
  TenantExistsError,
  TenantNotFoundError,
} from '#tenancy/errors'
import { assertValidDomain } from '#tenancy/host'
import { assertValidSchemaName, quoteSchema } from '#tenancy/schema_name'
import type { TenantMigrator } from '#tenancy/tenant_migrator'

export interface CreateTenantInput {
  name: string
  schemaName: string
  domain?: string
  ownerId?: number | null
  tagline?: string | null
  trialDays?: number
}

export interface DeleteTenantOptions {
  keepSchema?: boolean
}

/*
 * Creating and deleting tenants. Each operation is one transaction: PostgreSQL's DDL is
 * transactional, so a failure at any step (schema, a migration, the tenant row, the
 * domain) rolls every step back and leaves no orphan schema, row or domain.
 */
export class TenantLifecycle {
  constructor(
    private migrator: TenantMigrator,
    private appDomain: string,
    private onChange: () => void
  ) {}

  defaultDomain(schemaName: string) {
    return `${schemaName.replaceAll('_', '-')}.${this.appDomain}`
  }

  /*
   * Runs in `outer` when given, so that a caller (sign-up) can make its own rows part of
   * the same all-or-nothing step. The transaction's search_path is the new tenant's
   * afterwards; public models are schema-qualified and unaffected.
   */
  async create(input: CreateTenantInput, outer?: TransactionClientContract): Promise<Tenant> {
    assertValidSchemaName(input.schemaName)
    const domain = (input.domain ?? this.defaultDomain(input.schemaName)).toLowerCase()
    assertValidDomain(domain)
    if (domain === this.appDomain) {
      throw new InvalidDomainError(`"${domain}" is the main site's domain`)
    }

    const tenant = outer
      ? await this.#create(outer, input, domain)
      : await db.transaction((trx) => this.#create(trx, input, domain))
    if (!outer) this.onChange()
    return tenant
  }

  async #create(trx: TransactionClientContract, input: CreateTenantInput, domain: string) {
    try {
      await trx.rawQuery(`create schema ${quoteSchema(input.schemaName)}`)
      await this.migrator.up(trx, input.schemaName)
      const tenant = await Tenant.create(
        {
          name: input.name,
          tagline: input.tagline ?? null,
          schemaName: input.schemaName,
          ownerId: input.ownerId ?? null,
          onTrial: true,
          paidUntil: DateTime.now().plus({ days: input.trialDays ?? 30 }).startOf('day'),
        },
        { client: trx }
      )
      await Domain.create({ tenantId: tenant.id, domain, isPrimary: true }, { client: trx })
      return tenant
    } catch (error) {
      throw translateConflict(error, input.schemaName, domain)
    }
  }

  async delete(schemaName: string, options: DeleteTenantOptions = {}) {
    assertValidSchemaName(schemaName)
    await db.transaction(async (trx) => {
      const tenant = await Tenant.query({ client: trx })
        .where('schema_name', schemaName)
        .forUpdate()
        .first()
      if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
      await Domain.query({ client: trx }).where('tenant_id', tenant.id).delete()
      await tenant.delete()
      if (!options.keepSchema) {
        await trx.rawQuery(`drop schema if exists ${quoteSchema(schemaName)} cascade`)
      }
    })
    this.onChange()
  }

  async find(schemaName: string): Promise<Tenant> {
    const tenant = await Tenant.query().where('schema_name', schemaName).first()
    if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
    return tenant
  }

  list() {
    return Tenant.query()
      .preload('domains', (query) => query.orderBy('is_primary', 'desc').orderBy('domain'))
      .preload('owner')
      .orderBy('schema_name')
  }
}

function translateConflict(error: any, schemaName: string, domain: string) {
  if (error?.code === '42P06') {
    return new TenantExistsError(`A schema named "${schemaName}" already exists`)
  }
  if (error?.code === '23505') {
    if (String(error.constraint).startsWith('domains_')) {
      return new DomainTakenError(`The domain "${domain}" is already taken`)
    }
    return new TenantExistsError(`A tenant named "${schemaName}" already exists`)
  }
  return error
}
