import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import env from '#start/env'

/*
 * Times every request that reaches the framework, by route name and status, once its
 * response is written (#services/metrics). Only loaded when metrics are served.
 */
const metrics = env.get('METRICS_TOKEN') ? await import('#services/metrics') : null

export default class RequestMetricsMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (metrics) {
      const started = performance.now()
      ctx.response.response.once('finish', () => {
        const route = ctx.route?.name ?? (ctx.route ? ctx.route.pattern : 'unmatched')
        metrics.recordRequest(route, ctx.response.response.statusCode, (performance.now() - started) / 1000)
      })
    }
    return next()
  }
}
