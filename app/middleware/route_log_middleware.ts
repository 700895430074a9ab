import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { bindToRequestLog, routeOf } from '#services/request_logger'

/*
 * First of the router middleware, so it runs as soon as a route is matched: from here on
 * every line the request logs names its route. Requests that match no route (a 404, or
 * answered by a server middleware) have no `route` in their lines.
 */
export default class RouteLogMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const route = routeOf(ctx)
    if (route) bindToRequestLog(ctx, { route })
    return next()
  }
}
