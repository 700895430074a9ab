import type { HttpContext } from '@adonisjs/core/http'
import { normalizeHost } from '#tenancy/host'

/*
 * Session cookies are host-only, so a browser never sends one blog's cookie to another
 * host. A cookie copied by hand (or by a script on a look-alike host) still carries a
 * valid signature, since every host shares the app key: so a login also records the host
 * it happened on, and a session presented on any other host is treated as logged out.
 */
const HOST_KEY = 'auth_host'
const EPOCH_KEY = 'auth_epoch'

function currentHost(ctx: HttpContext) {
  return normalizeHost(ctx.request.hostname()) ?? ''
}

/*
 * Call right after auth.use('web').login(user).
 */
export function bindSessionToHost(ctx: HttpContext) {
  ctx.session.put(HOST_KEY, currentHost(ctx))
  ctx.session.put(EPOCH_KEY, ctx.auth.use('web').user?.sessionEpoch ?? 0)
}

/*
 * Logging out voids every session of the user, on every host and every copy of the
 * cookie: the epoch recorded at login no longer matches.
 */
export async function logOutEverywhere(ctx: HttpContext) {
  const user = ctx.auth.use('web').user
  if (user) {
    user.sessionEpoch = (user.sessionEpoch ?? 0) + 1
    await user.save()
  }
  await ctx.auth.use('web').logout()
}

/*
 * Replaces ctx.auth.check() for every routed request (the viewer middleware): a login made
 * on another host (or before this binding existed) leaves the request anonymous. The
 * session itself is left as it is, so a copy replayed elsewhere cannot log its owner out
 * of the host it belongs to when the session store is shared.
 */
export async function checkLoginOnThisHost(ctx: HttpContext) {
  const key = ctx.auth.use('web').sessionKeyName
  // No session, or no login in it (every anonymous reader): nothing to check or load.
  if (!ctx.session?.has(key)) return
  const foreign = ctx.session.has(key) && ctx.session.get(HOST_KEY) !== currentHost(ctx)
  if (!foreign) {
    await ctx.auth.check()
    const user = ctx.auth.use('web').user
    if (user && ctx.session.get(EPOCH_KEY) !== user.sessionEpoch) await ctx.auth.use('web').logout()
    return
  }

  const userId = ctx.session.get(key)
  ctx.session.forget(key)
  try {
    // The guard remembers this attempt: `auth` later in the request sees nobody too.
    return await ctx.auth.check()
  } finally {
    ctx.session.put(key, userId)
  }
}
