import { configProvider } from '@adonisjs/core'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import string from '@adonisjs/core/helpers/string'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Session } from '@adonisjs/session'
import type { ResolvedSessionConfig } from '@adonisjs/session/types'
import { sessionLimits } from '#config/session'
import { transportSecurity } from '#config/app'
import { CACHEABLE_ROUTES } from '#services/public_pages'
import { hasSessionCookie } from '#services/visitors'

const TIMES_KEY = 'session_times'
const idleMs = string.seconds.parse(sessionLimits.idleTimeout) * 1000
const absoluteMs = string.seconds.parse(sessionLimits.absoluteTimeout) * 1000
const seenResolutionMs = Math.min(60_000, Math.floor(idleMs / 4))

let resolved: Promise<ResolvedSessionConfig> | undefined
function sessionConfig() {
  resolved ??= configProvider
    .resolve<ResolvedSessionConfig>(app, app.config.get('session'))
    .then((config) => config!)
  return resolved
}

/*
 * AdonisJS's session middleware, with three differences:
 *   - a visitor without a session cookie gets none unless the request put something in
 *     the session (a login, a flash, a CSRF secret for a form): public pages set no cookie,
 *     so every anonymous reader can be served from the page cache; reading a public page
 *     without a session cookie does not even make a session object;
 *   - idle and absolute expiry are enforced here, from times kept inside the session
 *     (the cookie's Max-Age is only a hint to the browser);
 *   - the cookie's Secure flag follows the request's protocol (config/app.ts).
 */
export default class SessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isAnonymousRead(ctx) || SESSIONLESS_ROUTES.has(ctx.route?.name ?? '')) return next()
    const config = await sessionConfig()
    const secure = secureCookies(ctx)
    const effective = secure === config.cookie.secure ? config : { ...config, cookie: { ...config.cookie, secure } }
    const session = new Session(effective, effective.stores[effective.store], emitter, ctx)
    ctx.session = session
    await session.initiate(false)
    expireWhenStale(session)

    const response = await next()
    if (session.isEmpty && session.responseFlashMessages.isEmpty) {
      if (!session.fresh) forget(ctx, config)
      return response
    }
    stamp(session)
    await session.commit()
    return response
  }
}

/*
 * An emptied session (logged out, its last flash read) loses its cookies, so the browser
 * is an anonymous reader again. The session lives in the cookies (config/session.ts):
 * the id cookie, and the data cookie named after the id.
 */
declare module '@adonisjs/core/http' {
  interface HttpContext {
    /*
     * Absent while an anonymous visitor reads a public page (isAnonymousRead).
     */
    session: Session
  }
}

const READS = new Set(['GET', 'HEAD'])

/*
 * Files served the same to everyone and kept by shared caches for a year (uploaded
 * images): no session, so never a cookie in a response a cache may store.
 */
const SESSIONLESS_ROUTES = new Set(['blog.media'])

export function isAnonymousRead({ request, route }: HttpContext) {
  return (
    READS.has(request.method()) &&
    CACHEABLE_ROUTES.has(route?.name ?? '') &&
    !hasSessionCookie(request.header('cookie'))
  )
}

function forget(ctx: HttpContext, config: ResolvedSessionConfig) {
  const id = ctx.request.cookie(config.cookieName)
  if (typeof id === 'string' && ctx.request.cookiesList()[id] !== undefined) ctx.response.clearCookie(id)
  ctx.response.clearCookie(config.cookieName)
}

export function secureCookies(ctx: HttpContext) {
  if (transportSecurity.cookieSecure === 'auto') return ctx.request.secure()
  return transportSecurity.cookieSecure === 'true'
}

/*
 * A session idle for longer than the idle timeout, or older than the absolute one, is
 * emptied and gets a new id: whoever holds the old cookie is logged out everywhere the
 * server looks. A logged-in visitor is told why on the page they land on.
 */
function expireWhenStale(session: Session) {
  const times = session.get(TIMES_KEY) as [number, number] | undefined
  if (!times) return
  const [createdAt, seenAt] = times
  const now = Date.now()
  if (now - seenAt <= idleMs && now - createdAt <= absoluteMs) return
  const wasLoggedIn = Object.keys(session.all()).some((key) => key.startsWith('auth_'))
  session.clear()
  session.regenerate()
  if (wasLoggedIn) session.flash('notice', 'Your session has expired. Please log in again.')
}

/*
 * The last-seen time moves at most once a minute (or a quarter of the idle timeout), so a
 * busy reader does not rewrite the session on every request.
 */
function stamp(session: Session) {
  if (session.isEmpty) return
  const now = Date.now()
  const times = session.get(TIMES_KEY) as [number, number] | undefined
  if (!times) session.put(TIMES_KEY, [now, now])
  else if (now - times[1] >= seenResolutionMs) session.put(TIMES_KEY, [times[0], now])
}
