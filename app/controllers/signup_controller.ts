import type { HttpContext } from '@adonisjs/core/http'
import { bindSessionToHost } from '#middleware/session_binding'
import { signupValidator } from '#validators/signup'
import { rejectForm, rejectInvalid, validateForm, type FormState } from '#exceptions/form_rejected'
import { consumeAll, signupLimits } from '#start/limiter'
import { signUp } from '#services/signup'
import { handoffUrl } from '#services/login_handoff'
import { mainSiteLinks } from '#services/account_mail'
import { sendVerification } from '#services/accounts'

export default class SignupController {
  async create(ctx: HttpContext) {
    return this.#form(ctx)
  }

  /*
   * The new blogger is logged in here and, through a hand-off, on their blog's host,
   * where they land on the dashboard. A link to verify their address is mailed after the
   * response; until it is opened they write drafts only.
   */
  async store(ctx: HttpContext) {
    const { request, response, auth } = ctx
    const page = (form: FormState) => this.#form(ctx, form)
    const input = await validateForm(ctx, signupValidator, page)
    const wait = await consumeAll([
      { limits: signupLimits.perIp, key: `signup_ip_${request.ip()}` },
      { limits: signupLimits.global, key: 'signup_all' },
    ])
    if (wait > 0) {
      throw rejectForm(
        ctx,
        { _form: ['Too many blogs have been created from your address, or on EchoBlogs, in a short time. Your blog was not created yet: please try again later.'] },
        page,
        { status: 429, retryAfterSeconds: wait }
      )
    }
    const { user, tenant, domain } = await signUp({
      username: input.username,
      email: input.email,
      password: input.password,
      blogTitle: input.blog_title,
    }).catch((error) => rejectInvalid(ctx, error, page))
    sendVerification(user, mainSiteLinks(request))
    await auth.use('web').login(user)
    bindSessionToHost(ctx)
    return response.redirect(
      await handoffUrl(request, user, { tenantId: tenant.id, domain }, 'signup')
    )
  }

  #form({ view }: HttpContext, form?: FormState) {
    return view.render('pages/site/signup', { form })
  }
}
