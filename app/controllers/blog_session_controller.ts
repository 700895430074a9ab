import type { HttpContext } from '@adonisjs/core/http'
import { bindSessionToHost, logOutEverywhere } from '#middleware/session_binding'
import BlogPolicy from '#policies/blog_policy'
import type { FormState } from '#exceptions/form_rejected'
import { redeemHandoff } from '#services/login_handoff'
import { logInFromForm } from '#services/login_form'
import { localPath } from '#services/urls'

/*
 * Logging in on a blog's own host (its session cookie is this host's only).
 */
export default class BlogSessionController {
  async create(ctx: HttpContext) {
    return this.#form(ctx)
  }

  async store(ctx: HttpContext) {
    const user = await logInFromForm(ctx, (form) => this.#form(ctx, form))
    ctx.session.flash('notice', `Logged in as ${user.username}.`)
    return this.#land(ctx, localPath(ctx.request.input('next')))
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

  #form({ view, request, tenant }: HttpContext, form?: FormState) {
    return view.render('pages/auth/login', { blog: tenant, next: localPath(request.input('next')), form })
  }

  async #land({ bouncer, response, tenant }: HttpContext, next: string | null) {
    if (next) return response.redirect(next)
    const owner = await bouncer.with(BlogPolicy).allows('manage', tenant!)
    return response.redirect().toRoute(owner ? 'blog.dashboard' : 'blog.home')
  }
}
