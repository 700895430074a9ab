import type { HttpContext } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'
import type User from '#models/user'
import { consumeAll, mailCounters } from '#start/limiter'
import { mainSiteLinks } from '#services/account_mail'
import { peekToken, type TokenProblem, type TokenPurpose } from '#services/account_tokens'
import { confirmEmailChange, sendVerification, verifyEmail } from '#services/accounts'
import { waitWords } from '#services/login_form'

export function tooManyMails(seconds: number) {
  return `We have sent several emails for this address or from your network in a short time. Nothing was sent this time: please try again in ${waitWords(seconds)}.`
}

/*
 * A link that opens nothing gets a page that says why and how to get a new one: 404 for a
 * token never issued (or forged), 410 for one used or expired.
 */
export async function badLink({ view, response }: HttpContext, purpose: TokenPurpose, problem: TokenProblem | 'taken') {
  response.status(problem === 'unknown' ? 404 : problem === 'taken' ? 409 : 410)
  return view.render('pages/account/bad_link', { purpose, problem })
}

/*
 * The links mailed to prove an address: sign-up verification (and asking for it again),
 * and the confirmation of a new address.
 */
export default class AccountLinksController {
  async verify(ctx: HttpContext) {
    const result = await verifyEmail(ctx.request.qs().token)
    if (typeof result === 'string') return badLink(ctx, 'verify_email', result)
    return ctx.view.render('pages/account/verified', { email: result.email })
  }

  /*
   * "Resend verification email", from the account page (main site) or the dashboard
   * banner (the blog's host, where the owner's session is).
   */
  async resend(ctx: HttpContext) {
    const back = ctx.tenant
      ? () => ctx.response.redirect().toRoute('blog.dashboard')
      : () => ctx.response.redirect().toRoute('main.account.show', {}, { domain: tenancyConfig.appDomain })
    const user = ctx.auth.getUserOrFail()
    if (user.emailVerifiedAt) {
      ctx.session.flash('notice', 'Your email address is already verified.')
      return back()
    }
    const wait = await consumeAll(mailCounters(ctx.request.ip(), `user:${user.id}`, user.email))
    if (wait > 0) {
      ctx.response.header('Retry-After', String(wait))
      ctx.response.status(429)
      return ctx.view.render('pages/errors/client_error', {
        status: 429,
        title: 'Please wait',
        message: tooManyMails(wait),
        unknownHost: false,
        blog: ctx.tenant ?? null,
      })
    }
    sendVerification(user, mainSiteLinks(ctx.request))
    ctx.session.flash('notice', verificationSentNotice(user))
    return back()
  }

  async confirmEmail(ctx: HttpContext) {
    const token = ctx.request.qs().token
    const found = await peekToken(token, 'change_email')
    if (typeof found === 'string') return badLink(ctx, 'change_email', found)
    return ctx.view.render('pages/account/confirm_email', { token, newEmail: found.newEmail })
  }

  async storeEmail(ctx: HttpContext) {
    const result = await confirmEmailChange(ctx.request.input('token'))
    if (typeof result === 'string') return badLink(ctx, 'change_email', result)
    return ctx.view.render('pages/account/email_changed', { email: result.email })
  }
}

export function verificationSentNotice(user: User) {
  return `We are sending a verification link to ${user.email}. Open it to be able to publish; it works for 24 hours.`
}
