import { Readable } from 'node:stream'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import User from '#models/user'
import Tenant from '#models/tenant'
import tenancy from '#tenancy/service'
import type { TenantRemoval } from '#tenancy/tenant_lifecycle'
import { consumeToken, issueToken, type TokenProblem } from '#services/account_tokens'
import { sendLater } from '#services/mail_outbox'
import {
  emailChangeMail,
  emailChangeNotice,
  passwordResetMail,
  verificationMail,
  type LinkMaker,
} from '#services/account_mail'

/*
 * Accounts by mail: verification, password reset, changes of password and address, and
 * deletion. Mail goes out after the response (#services/mail_outbox); what the user
 * asked for is decided here, on the request path, with short queries on the public pool.
 */

export function sendVerification(user: User, links: LinkMaker) {
  const { id, email, username } = user
  sendLater('verify_email', async () => {
    const token = await issueToken(id, 'verify_email')
    await verificationMail(email, username, links('main.account.verify', token))
  })
}

/*
 * Marks the address verified. The token was sent to the address the user had then; a
 * change of address since voids it, since that sets its own proof.
 */
export async function verifyEmail(token: unknown): Promise<User | TokenProblem> {
  const found = await consumeToken(token, 'verify_email')
  if (typeof found === 'string') return found
  await db
    .from('public.users')
    .where('id', found.userId)
    .whereNull('email_verified_at')
    .update({ email_verified_at: new Date() })
  return (await User.find(found.userId)) ?? 'unknown'
}

/*
 * Whether the address has an account or not, the caller answers the same, at once: the
 * lookup happens in the job, after the response.
 */
export function requestPasswordReset(email: string, links: LinkMaker) {
  sendLater('reset_password', async () => {
    const user = await User.findBy('email', email)
    if (!user) return
    const token = await issueToken(user.id, 'reset_password')
    await passwordResetMail(user.email, user.username, links('main.password.reset', token))
  })
}

/*
 * A new password through a reset link: it ends every session of the user (the epoch), and
 * proves the address too. The password is hashed before the transaction opens.
 */
export async function resetPassword(token: unknown, password: string): Promise<number | TokenProblem> {
  const hashed = await hash.use('scrypt').make(password)
  return db.transaction(async (trx) => {
    const found = await consumeToken(token, 'reset_password', trx)
    if (typeof found === 'string') return found
    await setPassword(trx, found.userId, hashed, { proveAddress: true })
    return found.userId
  })
}

/*
 * Sets the password and ends every session of the user; returns the user as stored now,
 * for the caller to log the current session in again.
 */
export async function changePassword(user: User, password: string) {
  const hashed = await hash.use('scrypt').make(password)
  await setPassword(db, user.id, hashed, { proveAddress: false })
  return User.findOrFail(user.id)
}

/*
 * A new password ends every session of the user (their epoch moves on) and every link
 * mailed to them before: a link asked for by whoever knew the old password (an address
 * change, above all) must not outlive it.
 */
async function setPassword(
  client: { rawQuery: typeof db.rawQuery },
  userId: number,
  hashed: string,
  { proveAddress }: { proveAddress: boolean }
) {
  await client.rawQuery(
    `update public.users
        set password = ?, session_epoch = session_epoch + 1, updated_at = now(),
            email_verified_at = case when ? then coalesce(email_verified_at, now()) else email_verified_at end
      where id = ?`,
    [hashed, proveAddress, userId]
  )
  await client.rawQuery('update public.account_tokens set used_at = now() where user_id = ? and used_at is null', [userId])
}

export function requestEmailChange(user: User, newEmail: string, links: LinkMaker) {
  const { id, email, username } = user
  sendLater('change_email', async () => {
    const token = await issueToken(id, 'change_email', newEmail)
    // The old address hears of it first, whatever becomes of the message to the new one.
    await emailChangeNotice(email, username, newEmail)
    await emailChangeMail(newEmail, username, links('main.account.email.confirm', token))
  })
}

/*
 * The address is checked free again: another account may have taken it since the request.
 */
export async function confirmEmailChange(token: unknown): Promise<{ email: string } | TokenProblem | 'taken'> {
  try {
    return await db.transaction(async (trx) => {
      const found = await consumeToken(token, 'change_email', trx)
      if (typeof found === 'string') return found
      const taken = await trx.from('public.users').where('email', found.newEmail!).whereNot('id', found.userId).first()
      if (taken) return 'taken' as const
      await trx
        .from('public.users')
        .where('id', found.userId)
        .update({ email: found.newEmail, email_verified_at: new Date(), updated_at: new Date() })
      // Links mailed to the old address go with it.
      await trx.rawQuery('update public.account_tokens set used_at = now() where user_id = ? and used_at is null', [found.userId])
      return { email: found.newEmail! }
    })
  } catch (error) {
    if (error?.code === '23505' && String(error.constraint).includes('email')) return 'taken'
    throw error
  }
}

export interface AccountBlog {
  name: string
  schemaName: string
  domain: string
}

/*
 * The user's blogs, oldest first (the one they land on after logging in), each with its
 * primary address.
 */
export async function accountBlogs(user: User): Promise<AccountBlog[]> {
  const tenants = await Tenant.query()
    .where('owner_id', user.id)
    .preload('domains', (query) => query.orderBy('is_primary', 'desc').orderBy('id'))
    .orderBy('id')
  return tenants.map((tenant) => ({
    name: tenant.name,
    schemaName: tenant.schemaName,
    domain: tenant.domains[0]?.domain ?? tenancy.lifecycle.defaultDomain(tenant.schemaName),
  }))
}

/*
 * One of the user's blogs as `tenants:export` writes it (#tenancy/tenant_transfer), read
 * in batches as the client takes it: a slow reader holds no connection, and a large blog
 * is never whole in memory.
 */
export function exportBlog(blog: AccountBlog) {
  // One piece ahead of the client at most: a slow reader holds one batch, not sixteen.
  return Readable.from(tenancy.transfer.exportChunks(blog.schemaName), { highWaterMark: 1 })
}

/*
 * The user's blogs (schema, tenant row, domains) and the user, in one transaction: a
 * failure anywhere leaves everything. The servers drop the blogs' hosts and pages once it
 * has committed.
 */
export async function deleteAccount(user: User) {
  const changes = await db.transaction(async (trx) => {
    const tenants = await Tenant.query({ client: trx }).where('owner_id', user.id).orderBy('id')
    const removed: TenantRemoval[] = []
    for (const tenant of tenants) removed.push(await tenancy.lifecycle.delete(tenant.schemaName, {}, trx))
    await trx.from('public.users').where('id', user.id).delete()
    return removed
  })
  for (const change of changes) {
    const { mediaLeft } = await tenancy.lifecycle.deleted(change)
    if (mediaLeft) logger.error({ mediaLeft }, 'a deleted account left image files behind')
  }
}
