import { randomBytes } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import router from '@adonisjs/core/services/router'
import type { Request } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import Domain from '#models/domain'
import Tenant from '#models/tenant'
import User from '#models/user'
import tenancy from '#tenancy/service'
import { currentScope } from '#tenancy/tenant_scope'
import type { TenantRef } from '#tenancy/types'
import { absoluteUrl } from '#services/urls'

/*
 * Session cookies are host-only, so a login on the main site does not reach the user's
 * blog host. The main site hands it over with a one-time link: a token encrypted with
 * the app key for this purpose, naming the user and one blog, valid for a minute, and
 * backed by a nonce row that the blog host consumes so the link works once. It also
 * carries the user's session epoch: logging out (which bumps it) voids every pending link.
 */
const PURPOSE = 'login-handoff'
const LIFETIME_SECONDS = 60

export type HandoffIntent = 'signup' | 'login'

interface HandoffPayload {
  nonce: string
  userId: number
  tenantId: number
  epoch: number
  intent: HandoffIntent
}

export interface OwnedBlog {
  tenantId: number
  domain: string
}

/*
 * The blog a user lands on after logging in on the main site: their oldest one, on its own
 * subdomain when it has it (the dashboard works on every domain of the blog, and this one
 * never depends on the owner's DNS), else on its primary domain.
 */
export async function ownedBlog(user: User): Promise<OwnedBlog | null> {
  const tenant = await Tenant.query().where('owner_id', user.id).orderBy('id').first()
  if (!tenant) return null
  const domain = await Domain.query()
    .where('tenant_id', tenant.id)
    .whereNotNull('verified_at')
    .orderByRaw('domain = ? desc', [tenancy.lifecycle.defaultDomain(tenant.schemaName)])
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .first()
  return domain ? { tenantId: tenant.id, domain: domain.domain } : null
}

/*
 * Issues a token for a blog the user owns. Callers pass the blog from ownedBlog() or from
 * the sign-up that just created it; ownership is checked again when it is redeemed.
 */
export async function issueHandoff(user: User, tenantId: number, intent: HandoffIntent) {
  const nonce = randomBytes(24).toString('base64url')
  const now = Date.now()
  await db.rawQuery(`delete from public.login_handoffs where expires_at < now() - interval '1 hour'`)
  await db.table('public.login_handoffs').insert({
    nonce,
    user_id: user.id,
    tenant_id: tenantId,
    expires_at: new Date(now + LIFETIME_SECONDS * 1000),
    created_at: new Date(now),
  })
  const payload: HandoffPayload = { nonce, userId: user.id, tenantId, epoch: user.sessionEpoch ?? 0, intent }
  return encryption.encrypt(payload, `${LIFETIME_SECONDS}s`, PURPOSE)
}

/*
 * Runs on the blog host, in the request's transaction. Returns the user to log in, or null for
 * a token that is forged, expired, already used, for another blog or for a non-owner, or
 * issued before its user last logged out.
 * The conditional update is atomic: of two concurrent redemptions only one gets the row.
 */
export async function redeemHandoff(token: unknown, blog: TenantRef) {
  const payload = typeof token === 'string' ? encryption.decrypt<HandoffPayload>(token, PURPOSE) : null
  if (!payload || payload.tenantId !== blog.id || payload.userId !== blog.ownerId) return null

  const client = currentScope()?.client ?? db
  const { rows } = await client.rawQuery(
    `update public.login_handoffs set used_at = now()
      where nonce = ? and user_id = ? and tenant_id = ? and used_at is null and expires_at > now()
      returning user_id`,
    [payload.nonce, payload.userId, payload.tenantId]
  )
  if (rows.length === 0) return null
  const user = await User.find(payload.userId)
  if (!user || (user.sessionEpoch ?? 0) !== payload.epoch) return null
  return { user, intent: payload.intent }
}

/*
 * Where the main site sends a user after logging them in: their blog's hand-off endpoint.
 */
export async function handoffUrl(
  request: Request,
  user: User,
  blog: OwnedBlog,
  intent: HandoffIntent
) {
  const token = await issueHandoff(user, blog.tenantId, intent)
  return absoluteUrl(request, blog.domain, router.makeUrl('blog.handoff', {}, { qs: { token } }))
}
