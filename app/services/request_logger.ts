import type { HttpContext } from '@adonisjs/core/http'

/*
 * A request logs through the child logger AdonisJS made for it with its request_id
 * (ctx.logger). What is learnt later (the blog, once the host is resolved; the route,
 * once matched) is added to that same child with pino's setBindings: one child per
 * request, never a second, and every later line carries it.
 */
export function bindToRequestLog(ctx: HttpContext, fields: Record<string, string>) {
  // A disabled logger hands out itself instead of a child: binding to it would bind
  // every request after this one.
  if (ctx.logger.isEnabled) ctx.logger.pino.setBindings(fields)
}

/*
 * The matched route's name (its pattern when it has none); undefined before matching and
 * when nothing matched.
 */
export function routeOf(ctx: HttpContext): string | undefined {
  return ctx.route ? (ctx.route.name ?? ctx.route.pattern) : undefined
}
