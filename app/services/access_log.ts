import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'

/*
 * One `info` line when a request that reached the framework ends:
 *   {"level":30,...,"request_id":"…","tenant":"alice","route":"blog.home",
 *    "method":"GET","url":"/","status":200,"durationMs":4.21,"msg":"request completed"}
 * request_id, tenant and route are the request logger's bindings (#services/request_logger);
 * the path is logged without its query string (it can hold tokens) and cut at 256
 * characters. Every status is `info`: a 5xx has its own `error` line from the error
 * reporter (or is counted, for a database outage), so alerts on `error` count failures
 * once, whatever the traffic.
 *
 * Client errors (4xx) come in floods nobody controls: hosts that are no blog, scanners,
 * clients over a rate limit (whose 429s are cheap to send). At most
 * CLIENT_ERROR_LINES_PER_SECOND of them are logged in a second; the others are counted and
 * one `warn` line every 10 s says how many there were, by status. Other statuses are
 * logged one line each: their volume is the traffic the rate limits let through.
 */
const CLIENT_ERROR_LINES_PER_SECOND = 50
const SUMMARY_EVERY_MS = 10_000
const MAX_PATH = 256

export function logRequest(ctx: HttpContext, durationMs: number, finished: boolean) {
  const status = ctx.response.response.statusCode
  if (status >= 400 && status < 500 && !clientErrors.allow(status)) return
  const path = ctx.request.url()
  ctx.logger.info(
    {
      method: ctx.request.method(),
      url: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path,
      status,
      durationMs: Math.round(durationMs * 100) / 100,
      // The client went away before the whole response was written.
      ...(finished ? {} : { aborted: true }),
    },
    'request completed'
  )
}

class ClientErrorBudget {
  #second = 0
  #left = CLIENT_ERROR_LINES_PER_SECOND
  #unlogged: Record<number, number> = {}
  #timer?: NodeJS.Timeout

  allow(status: number) {
    const second = Math.floor(performance.now() / 1000)
    if (second !== this.#second) {
      this.#second = second
      this.#left = CLIENT_ERROR_LINES_PER_SECOND
    }
    if (this.#left > 0) {
      this.#left--
      return true
    }
    this.#unlogged[status] = (this.#unlogged[status] ?? 0) + 1
    this.#timer ??= setTimeout(() => this.#summarise(), SUMMARY_EVERY_MS).unref()
    return false
  }

  #summarise() {
    this.#timer = undefined
    logger.warn(
      { unlogged: this.#unlogged },
      `client errors beyond ${CLIENT_ERROR_LINES_PER_SECOND} a second were counted, not logged`
    )
    this.#unlogged = {}
  }
}
const clientErrors = new ClientErrorBudget()
