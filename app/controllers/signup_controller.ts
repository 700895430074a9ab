import type { HttpContext } from '@adonisjs/core/http'
import { bindSessionToHost } from '#middleware/session_binding'
import { signupValidator } from '#validators/signup'
import { signUp } from '#services/signup'
import { handoffUrl } from '#services/login_handoff'

export default class SignupController {
  async create({ view }: HttpContext) {
    return view.render('pages/site/signup')
  }

  /*
   * The new blogger is logged in here and, through a hand-off, on their blog's host,
   * where they land on the dashboard.
   */
  async store(ctx: HttpContext) {
    const { request, response, auth } = ctx
    const input = await request.validateUsing(signupValidator)
    const { user, tenant, domain } = await signUp({
      username: input.username,
      email: input.email,
      password: input.password,
      blogTitle: input.blog_title,
    })
    await auth.use('web').login(user)
    bindSessionToHost(ctx)
    return response.redirect(
      await handoffUrl(request, user, { tenantId: tenant.id, domain }, 'signup')
    )
  }
}
