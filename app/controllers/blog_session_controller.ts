import type { HttpContext } from '@adonisjs/core/http'
import { bindSessionToHost, logOutEverywhere } from '#middleware/session_binding'
import User from '#models/user'
import BlogPolicy from '#policies/blog_policy'
import { loginValidator } from '#validators/session'
import { redeemHandoff } from '#services/login_handoff'
import { localPath } from '#services/urls'
import { refuseLogin, throttledLogin } from '#start/limiter'

/*
 * Logging in on a blog's own host (its session cookie is this host's only).
 */
export default class BlogSessionController {
  async create({ view, request, tenant }: HttpContext) {
    return view.render('pages/auth/login', { blog: tenant, next: localPath(request.input('next')) })
  }

  async store(ctx: HttpContext) {
    const { request, auth, session } = ctx
    const { uid, password } = await request.validateUsing(loginValidator)
    const [throttled, user] = await throttledLogin(request, uid, () =>
      User.verifyCredentials(uid, password)
    )
    if (throttled) {
      return refuseLogin(ctx, throttled, { blog: ctx.tenant, next: localPath(request.input('next')) })
    }
    await auth.use('web').login(user)
    bindSessionToHost(ctx)
    session.flash('notice', `Logged in as ${user.username}.`)
    return this.#land(ctx, localPath(request.input('next')))
  }

  /*
   * The far end of the main site's hand-off: a valid, unused token for this blog logs its
   * owner in here. Anything else gets the login form, with no hint why.
   */
  async handoff(ctx: HttpContext) {
    const { request, auth, session, response, tenant } = ctx
    const redeemed = await redeemHandoff(request.input('token'), tenant!)
    if (!redeemed) {
      session.flash('notice', 'That sign-in link is invalid or has expired. Please log in.')
      return response.redirect().toRoute('blog.login.create')
    }
    await auth.use('web').login(redeemed.user)
    bindSessionToHost(ctx)
    session.flash(
      'notice',
      redeemed.intent === 'signup'
        ? 'Welcome to your new blog! Write your first post.'
        : `Logged in as ${redeemed.user.username}.`
    )
    return response.redirect().toRoute('blog.dashboard')
  }

  async destroy(ctx: HttpContext) {
    const { response, session } = ctx
    await logOutEverywhere(ctx)
    session.flash('notice', 'You are logged out.')
    return response.redirect().toRoute('blog.home')
  }

  async #land({ bouncer, response, tenant }: HttpContext, next: string | null) {
    if (next) return response.redirect(next)
    const owner = await bouncer.with(BlogPolicy).allows('manage', tenant!)
    return response.redirect().toRoute(owner ? 'blog.dashboard' : 'blog.home')
  }
}
