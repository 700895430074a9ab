import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BlogPolicy from '#policies/blog_policy'
import { checkLoginOnThisHost } from '#middleware/session_binding'

/*
 * Public pages still want to know who is looking (the layout links to the dashboard for
 * the blog's owner, drafts are visible to them). A failed check is simply a visitor, and
 * so is a session that was logged in on another host (see session_binding.ts). Every
 * routed request passes here before `auth`, so this holds for the dashboard too.
 */
export default class ViewerMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await checkLoginOnThisHost(ctx)
    const user = ctx.auth.use('web').user ?? null
    const ownsBlog =
      !!user && !!ctx.tenant && (await ctx.bouncer.with(BlogPolicy).allows('manage', ctx.tenant))
    ctx.view.share({ viewer: { user, ownsBlog } })
    return next()
  }
}
