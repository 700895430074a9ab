import db from '@adonisjs/lucid/services/db'
import { isFeature, isLimit, isPlanName, type PlanName } from '#services/plan_catalog'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import User from '#models/user'
import { Exception } from '@adonisjs/core/exceptions'
import { TenantNotFoundError } from '#tenancy/errors'
import { applySchema } from '#tenancy/tenant_scope'
import { recordLastPost } from '#tenancy/tenant_activity'
import { assertValidSchemaName } from '#tenancy/schema_name'
import type { TenantLifecycle } from '#tenancy/tenant_lifecycle'
import { DateTime } from 'luxon'

export const EXPORT_FORMAT = 'echoblogs.tenant'
export const EXPORT_VERSION = 1

export interface ExportedPost {
  id: number
  title: string
  slug: string
  content: string
  author: string
  isPublished: boolean
  publishedAt: string | null
  createdAt: string
  updatedAt: string | null
}

export interface TenantExport {
  format: typeof EXPORT_FORMAT
  version: number
  exportedAt: string
  tenant: {
    name: string
    tagline: string | null
    schemaName: string
    owner: string | null
    paidUntil: string | null
    onTrial: boolean
    /* Absent from exports made before plans existed. */
    plan?: string
    limitOverrides?: Record<string, number>
    featureOverrides?: Record<string, boolean>
    domains: { domain: string; isPrimary: boolean }[]
  }
  posts: ExportedPost[]
}

export class InvalidExportError extends Exception {
  static status = 422
  static code = 'E_INVALID_EXPORT'
}

/*
 * Timestamps travel as PostgreSQL's own JSON rendering (microseconds, offset) so that an
 * export re-imported is identical to the original, not rounded to milliseconds.
 */
const POSTS_SQL = `
  select p.id, p.title, p.slug, p.content, u.username as author, p.is_published,
         to_json(p.published_at) #>> '{}' as published_at,
         to_json(p.created_at) #>> '{}' as created_at,
         to_json(p.updated_at) #>> '{}' as updated_at
    from posts p join public.users u on u.id = p.author_id
   order by p.id`

export class TenantTransfer {
  constructor(private lifecycle: TenantLifecycle) {}

  async export(schemaName: string): Promise<TenantExport> {
    assertValidSchemaName(schemaName)
    return db.transaction(async (trx) => {
      const tenant = await Tenant.query({ client: trx })
        .where('schema_name', schemaName)
        .preload('owner')
        // A pending claim is not the blog's yet: an import would make it verified.
        .preload('domains', (query) => query.whereNotNull('verified_at'))
        .first()
      if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
      await applySchema(trx, schemaName)
      const { rows } = await trx.rawQuery(POSTS_SQL)
      return {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exportedAt: new Date().toISOString(),
        tenant: {
          name: tenant.name,
          tagline: tenant.tagline,
          schemaName: tenant.schemaName,
          owner: tenant.owner?.username ?? null,
          paidUntil: tenant.paidUntil?.toISODate() ?? null,
          onTrial: tenant.onTrial,
          plan: tenant.plan,
          limitOverrides: tenant.limitOverrides,
          featureOverrides: tenant.featureOverrides,
          domains: tenant.domains
            .map((domain) => ({ domain: domain.domain, isPrimary: domain.isPrimary }))
            .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.domain.localeCompare(b.domain)),
        },
        posts: rows.map((row: any) => ({
          id: row.id,
          title: row.title,
          slug: row.slug,
          content: row.content,
          author: row.author,
          isPublished: row.is_published,
          publishedAt: row.published_at,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        })),
      }
    })
  }

  /*
   * Recreates an exported blog as a new tenant in one transaction. Under its original
   * name it gets its original domains back; under `as` it gets the default domain.
   */
  async import(document: unknown, options: { as?: string; domain?: string } = {}) {
    const doc = parseExport(document)
    const schemaName = options.as ?? doc.tenant.schemaName
    assertValidSchemaName(schemaName)

    const usernames = [...new Set([...doc.posts.map((post) => post.author), doc.tenant.owner].filter(Boolean))]
    const users = await User.query().whereIn('username', usernames as string[])
    const idOf = new Map(users.map((user) => [user.username, user.id]))
    const missing = usernames.filter((name) => !idOf.has(name as string))
    if (missing.length) {
      throw new InvalidExportError(`These authors do not exist here: ${missing.join(', ')}`)
    }

    const domains = options.domain
      ? [{ domain: options.domain, isPrimary: true }]
      : options.as
        ? [{ domain: this.lifecycle.defaultDomain(schemaName), isPrimary: true }]
        : doc.tenant.domains
    const primary = domains.find((entry) => entry.isPrimary) ?? domains[0]

    const tenant = await db.transaction(async (trx) => {
      const created = await this.lifecycle.create(
        {
          name: doc.tenant.name,
          tagline: doc.tenant.tagline,
          schemaName,
          domain: primary.domain,
          ownerId: doc.tenant.owner ? idOf.get(doc.tenant.owner) : null,
        },
        trx
      )
      created.paidUntil = doc.tenant.paidUntil ? DateTime.fromISO(doc.tenant.paidUntil) : null
      created.onTrial = doc.tenant.onTrial
      created.plan = (doc.tenant.plan as PlanName | undefined) ?? (doc.tenant.onTrial ? 'trial' : 'basic')
      created.limitOverrides = doc.tenant.limitOverrides ?? {}
      created.featureOverrides = doc.tenant.featureOverrides ?? {}
      await created.save()
      for (const extra of domains.filter((entry) => entry !== primary)) {
        await Domain.create({ tenantId: created.id, domain: extra.domain, isPrimary: false }, { client: trx })
      }
      await this.#insertPosts(trx, schemaName, doc.posts, idOf)
      await recordLastPost(trx, created.id, schemaName)
      return created
    })
    this.lifecycle.changed(tenant.id, domains.map((entry) => entry.domain))
    return { tenant, posts: doc.posts.length, domain: primary.domain }
  }

  async #insertPosts(
    trx: TransactionClientContract,
    schemaName: string,
    posts: ExportedPost[],
    idOf: Map<string, number>
  ) {
    await applySchema(trx, schemaName)
    const rows = posts.map((post) => ({
      id: post.id,
      title: post.title,
      slug: post.slug,
      content: post.content,
      author_id: idOf.get(post.author)!,
      is_published: post.isPublished,
      published_at: post.publishedAt,
      created_at: post.createdAt,
      updated_at: post.updatedAt,
    }))
    for (let start = 0; start < rows.length; start += 500) {
      await trx.insertQuery().table('posts').multiInsert(rows.slice(start, start + 500))
    }
    await trx.rawQuery(
      `select setval(pg_get_serial_sequence('posts', 'id'), coalesce(max(id), 0) + 1, false) from posts`
    )
  }
}

function parseExport(document: unknown): TenantExport {
  const doc = document as TenantExport
  if (!doc || typeof doc !== 'object' || doc.format !== EXPORT_FORMAT) {
    throw new InvalidExportError(`Not an EchoBlogs tenant export (format must be "${EXPORT_FORMAT}")`)
  }
  if (doc.version !== EXPORT_VERSION) {
    throw new InvalidExportError(`Unsupported export version ${doc.version}; this installation reads version ${EXPORT_VERSION}`)
  }
  const tenant = doc.tenant
  if (!tenant || typeof tenant.name !== 'string' || typeof tenant.schemaName !== 'string' || !Array.isArray(tenant.domains) || tenant.domains.length === 0) {
    throw new InvalidExportError('The export has no valid "tenant" section')
  }
  if (tenant.plan !== undefined && !isPlanName(tenant.plan)) {
    throw new InvalidExportError(`The export names an unknown plan "${tenant.plan}"`)
  }
  const limits = Object.entries(tenant.limitOverrides ?? {})
  if (limits.some(([name, value]) => !isLimit(name) || !Number.isInteger(value) || value < 0)) {
    throw new InvalidExportError('The export has malformed "limitOverrides"')
  }
  const features = Object.entries(tenant.featureOverrides ?? {})
  if (features.some(([name, value]) => !isFeature(name) || typeof value !== 'boolean')) {
    throw new InvalidExportError('The export has malformed "featureOverrides"')
  }
  if (!Array.isArray(doc.posts)) throw new InvalidExportError('The export has no "posts" list')
  doc.posts.forEach((post, index) => {
    const ok =
      Number.isInteger(post?.id) &&
      typeof post.title === 'string' &&
      typeof post.slug === 'string' &&
      typeof post.content === 'string' &&
      typeof post.author === 'string' &&
      typeof post.isPublished === 'boolean' &&
      typeof post.createdAt === 'string'
    if (!ok) throw new InvalidExportError(`Post #${index + 1} of the export is malformed`)
  })
  return doc
}
