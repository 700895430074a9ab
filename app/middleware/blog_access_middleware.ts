import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BlogPolicy from '#policies/blog_policy'

/*
 * Guards the dashboard after `auth`: the policy decides, and a refusal is a page in the
 * site's layout that says why (403 for someone else's blog, 402 for an expired plan).
 */
export default class BlogAccessMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { ability: 'manage' | 'write' }) {
    const decision = await ctx.bouncer.with(BlogPolicy).execute(options.ability, ctx.tenant!)
    if (decision.authorized) return next()

    const status = decision.status ?? 403
    const message =
      status === 403 ? 'Only the owner of this blog can use its dashboard.' : decision.message
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
