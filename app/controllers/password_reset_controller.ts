import type { HttpContext } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/account'
import { rejectForm, validateForm, type FormState } from '#exceptions/form_rejected'
import { consumeAll, mailCounters } from '#start/limiter'
import { mainSiteLinks } from '#services/account_mail'
import { peekToken } from '#services/account_tokens'
import { requestPasswordReset, resetPassword } from '#services/accounts'
import { badLink, tooManyMails } from '#controllers/account_links_controller'

/*
 * "Forgot your password?": an address, then a link by mail, then a new password. The
 * answer to the address is the same page, at once, whether it has an account or not.
 */
export default class PasswordResetController {
  async create(ctx: HttpContext) {
    return this.#requestForm(ctx)
  }

  async store(ctx: HttpContext) {
    const page = (form: FormState) => this.#requestForm(ctx, form)
    const { email } = await validateForm(ctx, forgotPasswordValidator, page)
    const [global, perIp, perAddress] = mailCounters(ctx.request.ip(), email)
    const wait = await consumeAll([global, perIp])
    if (wait > 0) throw rejectForm(ctx, { _form: [tooManyMails(wait)] }, page, { status: 429, retryAfterSeconds: wait })
    // Past the address's own allowance the answer is the same and nothing is sent: whoever
    // asks for someone else's links cannot stop the owner asking, nor learn anything.
    if ((await consumeAll([perAddress])) === 0) requestPasswordReset(email, mainSiteLinks(ctx.request))
    return ctx.view.render('pages/account/reset_sent', { email })
  }

  async edit(ctx: HttpContext) {
    const token = ctx.request.qs().token
    const found = await peekToken(token, 'reset_password')
    if (typeof found === 'string') return badLink(ctx, 'reset_password', found)
    return this.#resetForm(ctx, token)
  }

  async update(ctx: HttpContext) {
    const { request, response, session } = ctx
    const token = request.input('token')
    const found = await peekToken(token, 'reset_password')
    if (typeof found === 'string') return badLink(ctx, 'reset_password', found)
    const { password } = await validateForm(ctx, resetPasswordValidator, (form) => this.#resetForm(ctx, token, form))
    const result = await resetPassword(token, password)
    if (typeof result === 'string') return badLink(ctx, 'reset_password', result)
    session.flash('notice', 'Your password has been changed, and every session of your account logged out. Log in with your new password.')
    return response.redirect().toRoute('main.login.create', {}, { domain: tenancyConfig.appDomain })
  }

  #requestForm({ view }: HttpContext, form?: FormState) {
    return view.render('pages/account/forgot_password', { form })
  }

  #resetForm({ view }: HttpContext, token: string, form?: FormState) {
    return view.render('pages/account/reset_password', { token, form })
  }
}
