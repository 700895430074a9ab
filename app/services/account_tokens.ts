import { createHash, randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'

/*
 * The links mailed to users. A token is 32 random bytes (base64url, 43 characters); only
 * its SHA-256 is stored. It is used once, expires, and issuing one voids the user's older
 * unused tokens of the same purpose (a new reset request kills the previous link).
 */
export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email'

const LIFETIME_MINUTES: Record<TokenPurpose, number> = {
  verify_email: 24 * 60,
  reset_password: 60,
  change_email: 24 * 60,
}

export interface AccountToken {
  id: number
  userId: number
  newEmail: string | null
}

/*
 * Why a token opens nothing: never issued (or forged), already used, or too old.
 */
export type TokenProblem = 'unknown' | 'used' | 'expired'

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

function hashOf(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

export async function issueToken(userId: number, purpose: TokenPurpose, newEmail: string | null = null) {
  const token = randomBytes(32).toString('base64url')
  await db.transaction(async (trx) => {
    await trx.rawQuery(
      `delete from public.account_tokens where expires_at < now() - interval '1 day'`
    )
    await trx
      .from('public.account_tokens')
      .where({ user_id: userId, purpose })
      .whereNull('used_at')
      .update({ used_at: new Date() })
    await trx.table('public.account_tokens').insert({
      user_id: userId,
      purpose,
      token_hash: hashOf(token),
      new_email: newEmail,
      expires_at: new Date(Date.now() + LIFETIME_MINUTES[purpose] * 60_000),
    })
  })
  return token
}

/*
 * The token's row if it can still be used, without using it (a form behind the link).
 */
export async function peekToken(token: unknown, purpose: TokenPurpose): Promise<AccountToken | TokenProblem> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return 'unknown'
  const row = await db.from('public.account_tokens').where({ token_hash: hashOf(token), purpose }).first()
  return rowOrProblem(row)
}

/*
 * Uses the token, once: of two concurrent uses, one gets the row. `client` lets the
 * caller make it part of the change the token allows.
 */
export async function consumeToken(
  token: unknown,
  purpose: TokenPurpose,
  client: { rawQuery: typeof db.rawQuery } = db
): Promise<AccountToken | TokenProblem> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return 'unknown'
  const hash = hashOf(token)
  const { rows } = await client.rawQuery(
    `update public.account_tokens set used_at = now()
      where token_hash = ? and purpose = ? and used_at is null and expires_at > now()
      returning id, user_id, new_email, used_at, expires_at`,
    [hash, purpose]
  )
  if (rows.length === 1) return toToken(rows[0])
  const { rows: found } = await client.rawQuery(
    'select id, user_id, new_email, used_at, expires_at from public.account_tokens where token_hash = ? and purpose = ?',
    [hash, purpose]
  )
  const problem = rowOrProblem(found[0])
  return typeof problem === 'string' ? problem : 'used'
}

function rowOrProblem(row: any): AccountToken | TokenProblem {
  if (!row) return 'unknown'
  if (row.used_at) return 'used'
  if (new Date(row.expires_at).getTime() <= Date.now()) return 'expired'
  return toToken(row)
}

function toToken(row: any): AccountToken {
  return { id: row.id, userId: row.user_id, newEmail: row.new_email }
}
