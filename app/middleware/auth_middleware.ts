import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'

/*
 * Sends visitors to the login page of the host they are on, remembering where they were.
 */
export default class AuthMiddleware {
  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: { guards?: (keyof Authenticators)[] } = {}
  ) {
    const loginUrl = `/login?next=${encodeURIComponent(ctx.request.url())}`
    await ctx.auth.authenticateUsing(options.guards, { loginRoute: loginUrl })
    return next()
  }
}
