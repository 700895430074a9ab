import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { routeOf } from '#services/request_logger'
import { HIT_HEADER } from '#services/page_delivery'
import usageMeter from '#services/usage_meter'

/*
 * Times every request that reaches the framework once. When its response is done the
 * request is counted in its blog's usage (#services/usage_meter), and its time goes to
 * the metrics (by route name and status, #services/metrics; only when METRICS_TOKEN serves
 * them) and to the access log (#services/access_log; LOG_REQUESTS, on by default in
 * production, and only if `info` lines are written at all). Page-cache hits answered
 * before the framework (#services/page_cache_hits, the hot path) never get here: they are
 * counted there, and logged by nobody.
 */
const metrics = env.get('METRICS_TOKEN') ? await import('#services/metrics') : null
const accessLog =
  env.get('LOG_REQUESTS', app.inProduction) && logger.isLevelEnabled('info') ? await import('#services/access_log') : null

export default class RequestTimingMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const started = performance.now()
    const response = ctx.response.response
    // 'close' comes after 'finish' (the last byte written), and also when the client
    // went away first: such a request still gets its access line.
    response.once('close', () => {
      if (ctx.tenant) {
        // AdonisJS writes its headers in one writeHead: they are read from its own response.
        const bytes = Number(ctx.response.getHeader('content-length')) || 0
        usageMeter.count(ctx.tenant.id, bytes, ctx.response.getHeader(HIT_HEADER) === 'hit')
      }
      if (!metrics && !accessLog) return
      const ms = performance.now() - started
      const finished = response.writableFinished
      if (metrics && finished) metrics.recordRequest(routeOf(ctx) ?? 'unmatched', response.statusCode, ms / 1000)
      accessLog?.logRequest(ctx, ms, finished)
    })
    return next()
  }
}
