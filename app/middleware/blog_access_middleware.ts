import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BlogPolicy from '#policies/blog_policy'

/*
 * Guards the dashboard after `auth`: the policy decides, and a refusal is a page in the
 * site's layout that says why (403 for someone else's blog or a feature the plan lacks,
 * 402 for an expired plan).
 * A 403 is someone logged in trying a blog that is not theirs: it is logged as a warning
 * that names the blog, the user and the request, and nothing secret (no cookies, headers,
 * query string or body). The request's logger already names the blog (`tenant`) and the
 * route.
 */
export default class BlogAccessMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { ability: 'manage' | 'write' | 'customDomains' }) {
    const decision = await ctx.bouncer.with(BlogPolicy).execute(options.ability, ctx.tenant!)
    if (decision.authorized) return next()

    const stranger = decision.status === undefined
    const status = decision.status ?? 403
    if (stranger) logRefusal(ctx, options.ability)
    const message = stranger ? 'Only the owner of this blog can use its dashboard.' : decision.message
    ctx.response
      .status(status)
      .send(
        await ctx.view.render('pages/errors/client_error', {
          status,
          message,
          unknownHost: false,
          blog: ctx.tenant,
        })
      )
  }
}

export const CROSS_TENANT_REFUSED = 'cross-tenant access refused'

function logRefusal(ctx: HttpContext, ability: string) {
  const { request, tenant, auth } = ctx
  ctx.logger.warn(
    {
      event: 'cross_tenant_refused',
      tenantId: tenant?.id ?? null,
      userId: auth.user?.id ?? null,
      host: request.hostname(),
      method: request.method(),
      url: request.url(false),
      ability,
      ip: request.ip(),
    },
    CROSS_TENANT_REFUSED
  )
}
