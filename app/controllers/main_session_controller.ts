import type { HttpContext } from '@adonisjs/core/http'
import { logOutEverywhere } from '#middleware/session_binding'
import tenancyConfig from '#config/tenancy'
import { handoffUrl, ownedBlog } from '#services/login_handoff'
import { logInFromForm } from '#services/login_form'

/*
 * Logging in on the main site: the session here, then on to the user's own blog.
 */
export default class MainSessionController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/login', { blog: null })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, view } = ctx
    const user = await logInFromForm(ctx, (form) => view.render('pages/auth/login', { blog: null, form }))
    const blog = await ownedBlog(user)
    if (!blog) {
      session.flash('notice', `Logged in as ${user.username}.`)
      return response.redirect().toRoute('main.home', {}, { domain: tenancyConfig.appDomain })
    }
    return response.redirect(await handoffUrl(request, user, blog, 'login'))
  }

  /*
   * "Go to my blog" for someone already logged in here.
   */
  async openBlog({ request, auth, response, session }: HttpContext) {
    const user = auth.getUserOrFail()
    const blog = await ownedBlog(user)
    if (!blog) {
      session.flash('notice', 'You do not own a blog yet.')
      return response.redirect().toRoute('main.home', {}, { domain: tenancyConfig.appDomain })
    }
    return response.redirect(await handoffUrl(request, user, blog, 'login'))
  }

  async destroy(ctx: HttpContext) {
    const { response, session } = ctx
    await logOutEverywhere(ctx)
    session.flash('notice', 'You are logged out.')
    return response.redirect().toRoute('main.home', {}, { domain: tenancyConfig.appDomain })
  }
}
