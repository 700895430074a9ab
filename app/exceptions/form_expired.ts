import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

const NOT_SHOWN = new Set(['_csrf', '_method', 'password', 'password_confirmation'])

/*
 * A write whose CSRF token is missing or does not match the session: a forged request, or
 * a form left open until its session expired. Nothing is saved and nothing is flashed
 * through the cookie (a long post would not fit in one); the page shows the writer what
 * they sent, so no text is lost.
 */
export class FormExpired extends Exception {
  static status = 403
  static code = 'E_BAD_CSRF_TOKEN'
  static message = 'Invalid or expired CSRF token'

  async handle(_: this, ctx: HttpContext) {
    const kept = Object.entries(ctx.request.all())
      .filter(([name, value]) => !NOT_SHOWN.has(name) && typeof value === 'string' && value.trim() !== '')
      .map(([name, value]) => ({ name, value }))
    ctx.response.status(403).send(
      await ctx.view.render('pages/errors/form_expired', { blog: ctx.tenant, kept })
    )
  }
}
