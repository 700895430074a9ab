import db from '@adonisjs/lucid/services/db'
import { isFeature, isLimit, isPlanName, type PlanName } from '#services/plan_catalog'
import { MAX_TAG_LENGTH, splitTags } from '#services/tag_names'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import User from '#models/user'
import { Exception } from '@adonisjs/core/exceptions'
import { TenantNotFoundError } from '#tenancy/errors'
import { applySchema } from '#tenancy/tenant_scope'
import { recordLastPost } from '#tenancy/tenant_activity'
import { assertValidSchemaName } from '#tenancy/schema_name'
import { IMAGE_KEY, mediaDisk, mediaPath, removeMedia } from '#tenancy/tenant_media'
import { MIME_BY_EXTENSION, detectFormat } from '#services/image_formats'
import type { TenantLifecycle } from '#tenancy/tenant_lifecycle'
import { DateTime } from 'luxon'
import { storedSettingsProblem, type StoredBlogSettings } from '#validators/blog_settings'

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
  /* Tag names; absent from exports made before tags existed. */
  tags?: string[]
  /* Absent from exports made before images existed. */
  coverImageKey?: string | null
}

/*
 * An image with its bytes (base64). The type is detected again from the bytes on import,
 * whatever the document says.
 */
export interface ExportedImage {
  key: string
  originalName: string
  mimeType: string
  width: number | null
  height: number | null
  createdAt: string
  data: string
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
    /* Absent from exports made before blog settings existed. */
    settings?: StoredBlogSettings
    domains: { domain: string; isPrimary: boolean }[]
  }
  posts: ExportedPost[]
  /* Absent from exports made before images existed. */
  images?: ExportedImage[]
}

export class InvalidExportError extends Exception {
  static status = 422
  static code = 'E_INVALID_EXPORT'
}

/*
 * Timestamps travel as PostgreSQL's own JSON rendering (microseconds, offset) so that an
 * export re-imported is identical to the original, not rounded to milliseconds.
 */
const POSTS_FROM = `
  select p.id, p.title, p.slug, p.content, u.username as author, p.is_published,
         to_json(p.published_at) #>> '{}' as published_at,
         to_json(p.created_at) #>> '{}' as created_at,
         to_json(p.updated_at) #>> '{}' as updated_at, p.cover_image_key,
         array(select t.name from post_tags pt join tags t on t.id = pt.tag_id
                where pt.post_id = p.id order by t.slug) as tags
    from posts p join public.users u on u.id = p.author_id`
const POSTS_SQL = `${POSTS_FROM} order by p.id`
const POSTS_BATCH_SQL = `${POSTS_FROM} where p.id > ? order by p.id limit ?`

function documentHead(tenant: Tenant): Omit<TenantExport, 'posts'> {
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
      settings: {
        description: tenant.description,
        postsPerPage: tenant.postsPerPage,
        theme: tenant.theme,
        navLinks: tenant.navLinks,
      },
      domains: tenant.domains
        .map((domain) => ({ domain: domain.domain, isPrimary: domain.isPrimary }))
        .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.domain.localeCompare(b.domain)),
    },
  }
}

function exportedPost(row: any): ExportedPost {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    content: row.content,
    author: row.author,
    isPublished: row.is_published,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tags: row.tags,
    coverImageKey: row.cover_image_key,
  }
}

async function exportedImage(tenantId: number, row: any): Promise<ExportedImage> {
  const bytes = await mediaDisk().getBytes(mediaPath(tenantId, row.key))
  return {
    key: row.key,
    originalName: row.original_name,
    mimeType: row.mime_type,
    width: row.width,
    height: row.height,
    createdAt: row.created_at,
    data: Buffer.from(bytes).toString('base64'),
  }
}

const IMAGES_SQL = `
  select key, original_name, mime_type, width, height, to_json(created_at) #>> '{}' as created_at
    from images
   order by created_at, key`

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
      const { rows: imageRows } = await trx.rawQuery(IMAGES_SQL)
      const images: ExportedImage[] = []
      for (const row of imageRows) images.push(await exportedImage(tenant.id, row))
      return { ...documentHead(tenant), posts: rows.map(exportedPost), images }
    })
  }

  /*
   * The document export() makes, as pieces of JSON text for a client to download: the
   * blog's section first, then its posts `batchSize` at a time, each batch read in its own
   * short transaction when the consumer asks for it, then its images one at a time. Nothing
   * is held between pieces, so a client that reads slowly holds no connection, and memory
   * holds one batch or one image whatever the size of the blog. Posts written meanwhile
   * may or may not be in it; none twice. `tally` counts what went out.
   */
  async *exportChunks(
    schemaName: string,
    { batchSize = 20, tally = { posts: 0, images: 0 } } = {}
  ): AsyncGenerator<string> {
    assertValidSchemaName(schemaName)
    const tenant = await Tenant.query()
      .where('schema_name', schemaName)
      .preload('owner')
      .preload('domains', (query) => query.whereNotNull('verified_at'))
      .first()
    if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
    const head = JSON.stringify({ ...documentHead(tenant), posts: [] })
    yield head.slice(0, -2)
    let afterId = 0
    for (;;) {
      const rows = await db.transaction(async (trx) => {
        await applySchema(trx, schemaName)
        return (await trx.rawQuery(POSTS_BATCH_SQL, [afterId, batchSize])).rows
      })
      if (rows.length === 0) break
      yield `${afterId === 0 ? '' : ','}${rows.map((row: any) => JSON.stringify(exportedPost(row))).join(',')}`
      tally.posts += rows.length
      afterId = rows[rows.length - 1].id
      if (rows.length < batchSize) break
    }
    const images = await db.transaction(async (trx) => {
      await applySchema(trx, schemaName)
      return (await trx.rawQuery(IMAGES_SQL)).rows
    })
    yield '],"images":['
    for (const [index, row] of images.entries()) {
      yield `${index === 0 ? '' : ','}${JSON.stringify(await exportedImage(tenant.id, row))}`
      tally.images++
    }
    yield ']}'
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

    let createdId: number | null = null
    const importing = db.transaction(async (trx) => {
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
      if (doc.tenant.settings) {
        const { description, postsPerPage, theme, navLinks } = doc.tenant.settings
        created.merge({ description, postsPerPage, theme, navLinks })
      }
      await created.save()
      for (const extra of domains.filter((entry) => entry !== primary)) {
        await Domain.create(
          { tenantId: created.id, domain: extra.domain, isPrimary: false, verifiedAt: DateTime.now() },
          { client: trx }
        )
      }
      createdId = created.id
      await this.#insertImages(trx, created.id, schemaName, doc.images ?? [])
      await this.#insertPosts(trx, schemaName, doc.posts, idOf)
      await recordLastPost(trx, created.id, schemaName)
      return created
    })
    let tenant: Tenant
    try {
      tenant = await importing
    } catch (error) {
      if (createdId !== null) await removeMedia(createdId).catch(() => {})
      throw error
    }
    this.lifecycle.changed(tenant.id, domains.map((entry) => entry.domain))
    return { tenant, posts: doc.posts.length, images: doc.images?.length ?? 0, domain: primary.domain }
  }

  /*
   * The files are written under the new tenant's prefix inside the import's transaction;
   * the caller removes them if it rolls back.
   */
  async #insertImages(trx: TransactionClientContract, tenantId: number, schemaName: string, images: ExportedImage[]) {
    await applySchema(trx, schemaName)
    for (const image of images) {
      const bytes = Buffer.from(image.data, 'base64')
      const format = detectFormat(bytes)
      if (!format || MIME_BY_EXTENSION[image.key.slice(image.key.lastIndexOf('.') + 1)] !== format.mimeType) {
        throw new InvalidExportError(`Image "${image.key}" of the export is not the ${image.mimeType} image its name says`)
      }
      await mediaDisk().put(mediaPath(tenantId, image.key), bytes, { contentType: format.mimeType })
      await trx.insertQuery().table('images').insert({
        key: image.key,
        original_name: image.originalName,
        mime_type: format.mimeType,
        bytes: bytes.length,
        width: image.width,
        height: image.height,
        created_at: image.createdAt,
      })
    }
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
      cover_image_key: post.coverImageKey ?? null,
    }))
    for (let start = 0; start < rows.length; start += 500) {
      await trx.insertQuery().table('posts').multiInsert(rows.slice(start, start + 500))
    }
    await trx.rawQuery(
      `select setval(pg_get_serial_sequence('posts', 'id'), coalesce(max(id), 0) + 1, false) from posts`
    )
    await this.#insertTags(trx, posts)
  }

  async #insertTags(trx: TransactionClientContract, posts: ExportedPost[]) {
    const pairs = posts.flatMap((post) => splitTags((post.tags ?? []).join(',')).map((tag) => ({ postId: post.id, ...tag })))
    if (pairs.length === 0) return
    await trx.rawQuery(
      'insert into tags (name, slug) select * from unnest(?::text[], ?::text[]) on conflict (slug) do nothing',
      [pairs.map((pair) => pair.name), pairs.map((pair) => pair.slug)]
    )
    await trx.rawQuery(
      `insert into post_tags (post_id, tag_id)
       select pair.post_id, t.id from unnest(?::int[], ?::text[]) as pair(post_id, slug) join tags t on t.slug = pair.slug`,
      [pairs.map((pair) => pair.postId), pairs.map((pair) => pair.slug)]
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
  const settingsProblem = tenant.settings === undefined ? null : storedSettingsProblem(tenant.settings)
  if (settingsProblem) throw new InvalidExportError(`The export's "settings" ${settingsProblem}`)
  if (!Array.isArray(doc.posts)) throw new InvalidExportError('The export has no "posts" list')
  if (doc.images !== undefined && !Array.isArray(doc.images)) throw new InvalidExportError('The export\'s "images" is not a list')
  ;(doc.images ?? []).forEach((image, index) => {
    const ok =
      typeof image?.key === 'string' &&
      IMAGE_KEY.test(image.key) &&
      typeof image.originalName === 'string' &&
      image.originalName.length <= 255 &&
      typeof image.data === 'string' &&
      typeof image.createdAt === 'string' &&
      [image.width, image.height].every((size) => size === null || Number.isInteger(size))
    if (!ok) throw new InvalidExportError(`Image #${index + 1} of the export is malformed`)
  })
  doc.posts.forEach((post, index) => {
    const ok =
      Number.isInteger(post?.id) &&
      typeof post.title === 'string' &&
      typeof post.slug === 'string' &&
      typeof post.content === 'string' &&
      typeof post.author === 'string' &&
      typeof post.isPublished === 'boolean' &&
      typeof post.createdAt === 'string' &&
      (post.tags === undefined || (Array.isArray(post.tags) && post.tags.every((tag) => typeof tag === 'string' && tag.length <= MAX_TAG_LENGTH))) &&
      (post.coverImageKey == null || (typeof post.coverImageKey === 'string' && IMAGE_KEY.test(post.coverImageKey)))
    if (!ok) throw new InvalidExportError(`Post #${index + 1} of the export is malformed`)
  })
  return doc
}
