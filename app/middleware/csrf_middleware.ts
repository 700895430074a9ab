import Tokens from 'csrf'
import edge from 'edge.js'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { FormExpired } from '#exceptions/form_expired'

const tokens = new Tokens()
const SECRET_KEY = 'csrf-secret'
const CHECKED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/*
 * CSRF protection with the secret made on demand: only a page that renders a form
 * (csrfField) puts a secret in the session, so reading a blog creates no session and no
 * cookie. Writes must carry a token for the session's secret in `_csrf` or X-CSRF-Token;
 * a request whose session has no secret cannot carry a valid one.
 */
export default class CsrfMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, session } = ctx
    if (CHECKED_METHODS.has(request.method())) {
      const secret = session.get(SECRET_KEY)
      const token = request.input('_csrf') ?? request.header('x-csrf-token')
      if (typeof secret !== 'string' || typeof token !== 'string' || !tokens.verify(secret, token)) {
        throw new FormExpired()
      }
    }

    let token: string | undefined
    const csrfToken = () => {
      if (token) return token
      let secret = session.get(SECRET_KEY)
      if (typeof secret !== 'string') {
        secret = tokens.secretSync()
        session.put(SECRET_KEY, secret)
      }
      return (token = tokens.create(secret))
    }
    ctx.view.share({
      csrfField: () => edge.globals.html.safe(`<input type="hidden" name="_csrf" value="${csrfToken()}">`),
      csrfToken,
    })
    return next()
  }
}
