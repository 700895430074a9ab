import app from '@adonisjs/core/services/app'
import { HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { databaseTrouble } from '#exceptions/database_unavailable'

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
        trouble: databaseTrouble(error),
        blog: ctx.tenant,
      })
    },
  }

  async handle(error: any, ctx: HttpContext) {
    ctx.tenantScope?.markFailed()
    classify(error, ctx)
    return super.handle(error, ctx)
  }

  /*
   * 503s are not reported one by one: under a flood or an outage that would be one stack
   * trace per request. One warning per interval says how many there were and why.
   */
  async report(error: any, ctx: HttpContext) {
    classify(error, ctx)
    const trouble = databaseTrouble(error)
    if (trouble) return refusals.count(trouble, ctx)
    return super.report(error, ctx)
  }
}

/*
 * The database busy or away is not the app's fault: a 503 with Retry-After, set before
 * the error is reported and again when it is rendered.
 */
function classify(error: any, ctx: HttpContext) {
  const trouble = databaseTrouble(error)
  if (!trouble) return
  error.status = 503
  ctx.response.header('Retry-After', trouble === 'busy' ? '2' : '5')
}

class RefusalLog {
  #counts = new Map<string, number>()
  #timer?: NodeJS.Timeout

  count(trouble: string, ctx: HttpContext) {
    this.#counts.set(trouble, (this.#counts.get(trouble) ?? 0) + 1)
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      ctx.logger.warn({ refused: Object.fromEntries(this.#counts) }, 'requests answered 503: database busy or unavailable')
      this.#counts.clear()
    }, 10_000).unref()
  }
}
const refusals = new RefusalLog()

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
  if (error.code === 'E_NO_SUCH_PAGE') return error.message
  if (error.code === 'E_BAD_BODY_ENCODING') {
    return 'Send the form again without compressing it: compressed request bodies are not accepted.'
  }
  if (error.code === 'E_BAD_CSRF_TOKEN') {
    return 'This form has expired or did not come from this site. Go back, reload the page and try again.'
  }
  if (error.expose !== false && error.status < 500 && error.code?.startsWith('E_TENANT')) {
    return error.message
  }
  return CLIENT_MESSAGES[error.status] ?? 'The request could not be completed.'
}
