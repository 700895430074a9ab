import app from '@adonisjs/core/services/app'
import { HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import logger from '@adonisjs/core/services/logger'
import { databaseTrouble } from '#exceptions/database_unavailable'
import { ErrorReporter, errorContext } from '#services/error_reporter'

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
   * Client errors (4xx) are the client's: their access line says so (#services/access_log).
   * The other errors go to the error reporter (#services/error_reporter), which the
   * response does not wait for.
   */
  async report(error: any, ctx: HttpContext) {
    if (typeof error !== 'object' || error === null) error = new Error(String(error))
    classify(error, ctx)
    const trouble = databaseTrouble(error)
    if (trouble) return refusals.count(trouble)
    if ((error.status ?? 500) < 500 || !this.shouldReport(error)) return
    if (typeof error.report === 'function') return super.report(error, ctx)

    const failed = (failure: unknown) =>
      ctx.logger.error({ err: error, reporterError: String(failure) }, 'the error reporter failed')
    try {
      const reporter = await app.container.make(ErrorReporter)
      const pending = reporter.report(error, errorContext(ctx))
      if (pending) pending.catch(failed)
    } catch (failure) {
      failed(failure)
    }
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

  /*
   * Logged with the app's logger: the line is about every request of the interval, not
   * the first one's (whose logger names its id, blog and route).
   */
  count(trouble: string) {
    this.#counts.set(trouble, (this.#counts.get(trouble) ?? 0) + 1)
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      logger.warn({ refused: Object.fromEntries(this.#counts) }, 'requests answered 503: database busy or unavailable')
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
