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
import { copySchema } from '#tenancy/schema_copier'
import { recordLastPost } from '#tenancy/tenant_activity'
import { copyMedia, mediaPrefix, removeMedia } from '#tenancy/tenant_media'
import { assertValidSchemaName, quoteSchema } from '#tenancy/schema_name'
import { MIGRATIONS_TABLE, type TenantMigrator } from '#tenancy/tenant_migrator'
import type { TenancyChange } from '#tenancy/tenant_resolver'

export interface CreateTenantInput {
  name: string
  schemaName: string
  domain?: string
  ownerId?: number | null
  tagline?: string | null
  trialDays?: number
}

export interface CloneTenantInput {
  schemaName: string
  name?: string
  domain?: string
  withData: boolean
}

export interface DeleteTenantOptions {
  keepSchema?: boolean
}

/*
 * The blog's rows are gone once `delete` returns; its image files are removed after that
 * commit. When that fails, `mediaLeft` names the prefix left on the Drive disk (no
 * address reaches it: tenant ids are never reused) and why.
 */
/* The blogs a deletion removed and the hosts they answered to. */
export type TenantRemoval = Exclude<TenancyChange, 'all'>

export interface DeleteTenantResult {
  mediaLeft: { prefix: string; error: string } | null
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
    private onChange: (change: TenancyChange) => void
  ) {}

  /*
   * For tenant changes made in the caller's own transaction (sign-up, imports, blog
   * settings): drops what this process cached of those tenants and hosts at once; other
   * processes hear of it from the tenancy triggers when the transaction commits.
   */
  changed(tenantId: number, hosts: string[] = []) {
    this.onChange({ tenantIds: [tenantId], hosts })
  }

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
    const domain = this.#domainFor(input.schemaName, input.domain)

    const create = async (trx: TransactionClientContract) => {
      const tenant = await this.#register(trx, domain, {
        name: input.name,
        tagline: input.tagline ?? null,
        schemaName: input.schemaName,
        ownerId: input.ownerId ?? null,
        onTrial: true,
        plan: 'trial',
        limitOverrides: {},
        featureOverrides: {},
        paidUntil: DateTime.now().plus({ days: input.trialDays ?? 30 }).startOf('day'),
      })
      await this.migrator.install(trx, { id: tenant.id, schemaName: input.schemaName })
      return tenant
    }
    return this.#atomically(outer, input.schemaName, domain, create)
  }

  /*
   * A new tenant whose schema is a copy of `sourceSchema` (structure and migration state,
   * and the rows with `withData`, image files included), with the source's owner, billing
   * state and settings. Files are copied inside the transaction, so a failed copy rolls the
   * clone back; the files already copied are removed.
   */
  async clone(sourceSchema: string, input: CloneTenantInput): Promise<Tenant> {
    assertValidSchemaName(sourceSchema)
    assertValidSchemaName(input.schemaName)
    const domain = this.#domainFor(input.schemaName, input.domain)
    return this.#atomically(undefined, input.schemaName, domain, async (trx) => {
      const source = await this.#lockTenant(trx, sourceSchema)
      await trx.rawQuery(`create schema ${quoteSchema(input.schemaName)}`)
      await copySchema(trx, sourceSchema, input.schemaName, { withData: input.withData })
      const clone = await this.#register(trx, domain, {
        name: input.name ?? source.name,
        tagline: source.tagline,
        schemaName: input.schemaName,
        ownerId: source.ownerId,
        onTrial: source.onTrial,
        plan: source.plan,
        limitOverrides: source.limitOverrides,
        featureOverrides: source.featureOverrides,
        paidUntil: source.paidUntil,
        description: source.description,
        postsPerPage: source.postsPerPage,
        theme: source.theme,
        navLinks: source.navLinks,
      })
      await trx.rawQuery(
        `insert into ${MIGRATIONS_TABLE} (tenant_id, name, batch, migrated_at)
         select ?, name, batch, migrated_at from ${MIGRATIONS_TABLE} where tenant_id = ? order by id`,
        [clone.id, source.id]
      )
      if (input.withData) {
        await recordLastPost(trx, clone.id, input.schemaName)
        await this.#copyImages(trx, source.id, clone.id, input.schemaName)
      }
      return clone
    })
  }

  /*
   * Renames the schema and the tenant row together; domains stay as they are, so the blog
   * keeps its addresses. Every process's host cache hears of it through the triggers.
   */
  async rename(fromSchema: string, toSchema: string): Promise<Tenant> {
    assertValidSchemaName(fromSchema)
    assertValidSchemaName(toSchema)
    const tenant = await db.transaction(async (trx) => {
      const row = await this.#lockTenant(trx, fromSchema)
      try {
        await trx.rawQuery(
          `alter schema ${quoteSchema(fromSchema)} rename to ${quoteSchema(toSchema)}`
        )
        row.schemaName = toSchema
        await row.save()
      } catch (error) {
        throw translateConflict(error, toSchema, '')
      }
      return row
    })
    this.onChange({ tenantIds: [tenant.id], hosts: [] })
    return tenant
  }

  async #atomically(
    outer: TransactionClientContract | undefined,
    schemaName: string,
    domain: string,
    work: (trx: TransactionClientContract) => Promise<Tenant>
  ) {
    const guarded = async (trx: TransactionClientContract) => {
      try {
        return await work(trx)
      } catch (error) {
        throw translateConflict(error, schemaName, domain)
      }
    }
    const tenant = outer ? await guarded(outer) : await db.transaction(guarded)
    if (!outer) this.onChange({ tenantIds: [tenant.id], hosts: [domain] })
    return tenant
  }

  async #register(
    trx: TransactionClientContract,
    domain: string,
    attributes: Partial<Tenant>
  ): Promise<Tenant> {
    const tenant = await Tenant.create(attributes, { client: trx })
    await Domain.create({ tenantId: tenant.id, domain, isPrimary: true, verifiedAt: DateTime.now() }, { client: trx })
    return tenant
  }

  async #copyImages(trx: TransactionClientContract, fromId: number, toId: number, schemaName: string) {
    const { rows } = await trx.rawQuery(`select key from ${quoteSchema(schemaName)}.images order by key`)
    try {
      await copyMedia(fromId, toId, rows.map((row: { key: string }) => row.key))
    } catch (error) {
      await removeMedia(toId).catch(() => {})
      throw error
    }
  }

  async #lockTenant(trx: TransactionClientContract, schemaName: string) {
    const tenant = await Tenant.query({ client: trx })
      .where('schema_name', schemaName)
      .forUpdate()
      .first()
    if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
    return tenant
  }

  #domainFor(schemaName: string, requested?: string) {
    const domain = (requested ?? this.defaultDomain(schemaName)).toLowerCase()
    assertValidDomain(domain)
    if (domain === this.appDomain) {
      throw new InvalidDomainError(`"${domain}" is the main site's domain`)
    }
    return domain
  }

  /*
   * Standalone, one transaction then the files. With `outer` (account deletion removes
   * the owner in the same step) only the rows go; the caller passes the returned change to
   * deleted() once it has committed.
   */
  async delete(schemaName: string, options?: DeleteTenantOptions): Promise<DeleteTenantResult>
  async delete(schemaName: string, options: DeleteTenantOptions, outer: TransactionClientContract): Promise<TenantRemoval>
  async delete(schemaName: string, options: DeleteTenantOptions = {}, outer?: TransactionClientContract) {
    assertValidSchemaName(schemaName)
    const remove = async (trx: TransactionClientContract) => {
      const tenant = await this.#lockTenant(trx, schemaName)
      const domains = await Domain.query({ client: trx }).where('tenant_id', tenant.id)
      await Domain.query({ client: trx }).where('tenant_id', tenant.id).delete()
      await tenant.delete()
      if (!options.keepSchema) {
        await trx.rawQuery(`drop schema if exists ${quoteSchema(schemaName)} cascade`)
      }
      return { tenantIds: [tenant.id], hosts: domains.map((entry) => entry.domain) }
    }
    if (outer) return remove(outer)
    return this.deleted(await db.transaction(remove), options)
  }

  /*
   * After a deletion has committed: every process forgets the blog, and its files go.
   */
  async deleted(change: TenantRemoval, options: DeleteTenantOptions = {}): Promise<DeleteTenantResult> {
    this.onChange(change)
    if (options.keepSchema) return { mediaLeft: null }
    const [tenantId] = change.tenantIds
    try {
      await removeMedia(tenantId)
      return { mediaLeft: null }
    } catch (error) {
      return { mediaLeft: { prefix: mediaPrefix(tenantId), error: error.message } }
    }
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
  if (error instanceof TenantNotFoundError) return error
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
