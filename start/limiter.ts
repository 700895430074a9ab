/*
 * Rate limits.
 *
 * Fair shares: requests that miss the page cache (they render, and most touch the database)
 * are limited per client address (MISS_LIMIT_PER_IP, default 20 a second) and per blog (its
 * plan's requestsPerMinute, config/plans.ts), so that no client and no blog's traffic can
 * take what every blog needs. Cache hits are free. Images (/media) count on their own, per
 * client address only (MEDIA_LIMIT_PER_IP, default 200 a second).
 *
 * Sign-ups, which create a schema each, are limited per address (SIGNUPS_PER_IP, default 5
 * an hour) and over the whole site (SIGNUPS_GLOBAL, default 100 in 10 minutes).
 *
 * The editor's previews are limited per blog (PREVIEWS_PER_MINUTE, default 60).
 *
 * Forms that send mail (password reset, verification, change of address) are limited per
 * client address (MAIL_PER_IP, default 10 an hour) and per email address or account
 * (MAIL_PER_ADDRESS, default 3 an hour), and over the whole site (MAIL_GLOBAL, default 500
 * in 10 minutes, below what the mail outbox holds), so no visitor can make the server send
 * unbounded mail, flood one mailbox, or crowd out everyone else's links. Counted whether
 * the address has an account or not.
 *
 * Logins are limited on failures only (a successful login costs nothing),
 * on two counters at once:
 *   - per account and client address: LOGIN_ATTEMPTS_PER_ACCOUNT (default 5) failures in
 *     LOGIN_ACCOUNT_WINDOW (default 1 minute), then blocked for that window. Keyed on the
 *     account the uid names (email and username count together), so one attacker cannot
 *     lock its owner out from everywhere;
 *   - per client address: LOGIN_ATTEMPTS_PER_IP (default 50) failures in LOGIN_IP_WINDOW
 *     (default 15 minutes), against spraying many accounts from one address. A later
 *     successful login does not reset it.
 * The client address is request.ip(), which honours X-Forwarded-For only from proxies
 * listed in TRUSTED_PROXIES (config/app.ts): a client cannot pick its own.
 */
import { createHash } from 'node:crypto'
import limiter from '@adonisjs/limiter/services/main'
import { errors } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'
import env from '#start/env'
import User from '#models/user'

export const fairShare = {
  perIp: { requests: env.get('MISS_LIMIT_PER_IP', 20), duration: '1 sec' },
  mediaPerIp: { requests: env.get('MEDIA_LIMIT_PER_IP', 200), duration: '1 sec' },
}

export const previewLimits = {
  perBlog: { requests: env.get('PREVIEWS_PER_MINUTE', 60), duration: '1 minute' },
}

export const signupLimits = {
  perIp: { requests: env.get('SIGNUPS_PER_IP', 5), duration: env.get('SIGNUP_IP_WINDOW', '1 hour') },
  global: { requests: env.get('SIGNUPS_GLOBAL', 100), duration: env.get('SIGNUP_GLOBAL_WINDOW', '10 minutes') },
}

export const mailLimits = {
  perIp: { requests: env.get('MAIL_PER_IP', 10), duration: env.get('MAIL_IP_WINDOW', '1 hour') },
  perAddress: { requests: env.get('MAIL_PER_ADDRESS', 3), duration: env.get('MAIL_ADDRESS_WINDOW', '1 hour') },
  global: { requests: env.get('MAIL_GLOBAL', 500), duration: env.get('MAIL_GLOBAL_WINDOW', '10 minutes') },
}

/*
 * The counters of one mail-sending request: the client address, and each recipient (an
 * email address, or `user:<id>` for an account's own address); addresses are hashed so
 * that keys stay short whatever was typed.
 */
export function mailCounters(ip: string, ...recipients: string[]) {
  return [
    { limits: mailLimits.global, key: 'mail_global' },
    { limits: mailLimits.perIp, key: `mail_ip_${ip}` },
    ...recipients.map((recipient) => ({
      limits: mailLimits.perAddress,
      key: `mail_to_${createHash('sha256').update(recipient.toLowerCase()).digest('base64url')}`,
    })),
  ]
}

/*
 * Counts one request against each of `counters`; returns the seconds to wait when one of
 * them is used up, or 0.
 */
export async function consumeAll(counters: { limits: { requests: number; duration: string }; key: string }[]) {
  for (const { limits, key } of counters) {
    try {
      await limiter.use({ ...limits }).consume(key)
    } catch (error) {
      if (error instanceof errors.E_TOO_MANY_REQUESTS) return Math.max(1, error.response.availableIn)
      throw error
    }
  }
  return 0
}

export const loginLimits = {
  perAccount: {
    requests: env.get('LOGIN_ATTEMPTS_PER_ACCOUNT', 5),
    duration: env.get('LOGIN_ACCOUNT_WINDOW', '1 minute'),
  },
  perIp: {
    requests: env.get('LOGIN_ATTEMPTS_PER_IP', 50),
    duration: env.get('LOGIN_IP_WINDOW', '15 minutes'),
  },
}

function accountLimiter() {
  const { requests, duration } = loginLimits.perAccount
  return limiter.use({ requests, duration, blockDuration: duration })
}

function ipLimiter() {
  const { requests, duration } = loginLimits.perIp
  return limiter.use({ requests, duration, blockDuration: duration })
}

/*
 * A refused login: how long to wait, in seconds.
 */
export class LoginThrottled {
  constructor(public retryAfter: number) {}
}

async function accountKey(uid: string, ip: string) {
  const user = await User.query()
    .select('id')
    .where('email', uid)
    .orWhere('username', uid)
    .first()
  return `login_account_${user ? `id:${user.id}` : `uid:${uid}`}_ip_${ip}`
}

/*
 * Runs `verify` (the credential check) unless this account or address is blocked.
 * Returns [LoginThrottled, null] when it is, else [null, result]; a failed check counts
 * against both limits and is rethrown as it was.
 */
export async function throttledLogin<T>(
  request: HttpContext['request'],
  uid: string,
  verify: () => Promise<T>
): Promise<[LoginThrottled, null] | [null, T]> {
  const ip = request.ip()
  const keys = [
    { limiter: accountLimiter(), key: await accountKey(uid, ip), resetOnSuccess: true },
    { limiter: ipLimiter(), key: `login_ip_${ip}`, resetOnSuccess: false },
  ]

  let wait = 0
  for (const { limiter: counter, key } of keys) {
    const state = await counter.get(key)
    if (state && state.remaining <= 0) wait = Math.max(wait, state.availableIn, 1)
  }
  if (wait > 0) return [new LoginThrottled(wait), null]

  let result: T
  try {
    result = await verify()
  } catch (error) {
    for (const { limiter: counter, key } of keys) {
      const { consumed, limit } = await counter.increment(key)
      if (consumed >= limit) await counter.block(key, counter.blockDuration)
    }
    throw error
  }
  for (const { limiter: counter, key, resetOnSuccess } of keys) {
    if (resetOnSuccess) await counter.delete(key)
  }
  return [null, result]
}
