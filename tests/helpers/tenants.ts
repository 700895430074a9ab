import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Post from '#models/post'
import User from '#models/user'
import tenancy from '#tenancy/service'
import { tenantRefOf } from '#tenancy/tenant_ref'
import { withTenant } from '#tenancy/tenant_scope'
import type { TenantRef } from '#tenancy/types'

let counter = 0

/*
 * Unique, valid schema names per test run, so specs never collide.
 */
export function uniqueName(prefix: string) {
  counter++
  return `${prefix}_${process.pid}_${counter}`
}

/*
 * A user whose address is verified, as every account was before verification existed:
 * they can publish.
 */
export async function createUser(username: string) {
  return User.create({
    username,
    email: `${username}@example.test`,
    password: 'secret-password',
    emailVerifiedAt: DateTime.now(),
  })
}

/*
 * A tenant owned by a fresh user, with `posts` published posts whose titles carry `marker`.
 */
export async function createBlog(
  schemaName: string,
  { posts = 0, marker = schemaName }: { posts?: number; marker?: string } = {}
): Promise<TenantRef & { domain: string }> {
  const owner = await createUser(schemaName)
  const tenant = await tenancy.lifecycle.create({ name: `Blog ${schemaName}`, schemaName, ownerId: owner.id })
  const domain = tenancy.lifecycle.defaultDomain(schemaName)
  const ref = tenantRefOf(tenant, domain)
  if (posts > 0) {
    await withTenant(ref, async () => {
      for (let i = 1; i <= posts; i++) {
        await Post.create({
          title: `${marker} post ${i}`,
          slug: `post-${i}`,
          content: `[${marker}/${i}] content`,
          authorId: owner.id,
          isPublished: true,
          publishedAt: DateTime.now().minus({ minutes: posts - i }),
        })
      }
    })
  }
  return { ...ref, domain }
}

export async function schemaExists(schemaName: string) {
  const { rows } = await db.rawQuery('select 1 from pg_namespace where nspname = ?', [schemaName])
  return rows.length === 1
}

/*
 * The search_path of every connection the process holds: everything Lucid's pool can
 * hold at once, and every open tenant connection slot.
 */
export async function searchPathsOfPool(): Promise<string[]> {
  const max = db.getRawConnection('postgres')!.config.pool!.max!
  const transactions = await Promise.all(Array.from({ length: max }, () => db.transaction()))
  let pooled: string[]
  try {
    pooled = await Promise.all(
      transactions.map(async (trx) => {
        const { rows } = await trx.rawQuery(`select current_setting('search_path') as path`)
        return rows[0].path as string
      })
    )
  } finally {
    await Promise.all(transactions.map((trx) => trx.rollback()))
  }
  const slots = await tenancy.connections.inspect(async (connection) => {
    const { rows } = await connection.query(`select current_setting('search_path') as path`)
    return rows[0].path as string
  })
  return [...pooled, ...slots]
}

/*
 * The tenant migrations a tenant has applied (public.tenant_migrations), in order.
 */
export async function appliedMigrations(schemaName: string): Promise<string[]> {
  const { rows } = await db.rawQuery(
    `select m.name from public.tenant_migrations m join public.tenants t on t.id = m.tenant_id
      where t.schema_name = ? order by m.id`,
    [schemaName]
  )
  return rows.map((row: { name: string }) => row.name)
}
