import app from '@adonisjs/core/services/app'
import { HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { isDatabaseUnavailable } from '#exceptions/database_unavailable'

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction

  /*
   * Visitors always get pages in the site's layout; only a developer's 500 shows the
   * stack trace (never in production).
   */
  protected renderStatusPages = true

  protected ignoreStatuses = [400, 401, 404, 422]

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '400..499': (error, { view, tenant }) =>
      view.render('pages/errors/client_error', {
        status: error.status,
        message: clientMessage(error),
        unknownHost: error.code === 'E_UNKNOWN_HOST',
        blog: tenant,
      }),
    '500..599': (error, ctx) => {
      if (this.debug && error.status === 500) return this.renderError(error, ctx)
      return ctx.view.render('pages/errors/server_error', {
        status: error.status,
        blog: ctx.tenant,
      })
    },
  }

  async handle(error: any, ctx: HttpContext) {
    ctx.tenantScope?.markFailed()
    if (isDatabaseUnavailable(error)) error.status = 503
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}

const CLIENT_MESSAGES: Record<number, string> = {
  400: 'The request could not be understood.',
  403: 'You are not allowed to do that here.',
  404: 'There is nothing at this address.',
  405: 'That method is not allowed here.',
  413: 'What you sent is too large.',
  429: 'Too many attempts. Wait a minute and try again.',
}

function clientMessage(error: any) {
  if (error.code === 'E_UNKNOWN_HOST') return 'No blog lives at this address.'
  if (error.code === 'E_BAD_CSRF_TOKEN') {
    return 'This form has expired or did not come from this site. Go back, reload the page and try again.'
  }
  if (error.expose !== false && error.status < 500 && error.code?.startsWith('E_TENANT')) {
    return error.message
  }
  return CLIENT_MESSAGES[error.status] ?? 'The request could not be completed.'
}
