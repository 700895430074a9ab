import type { HttpContext } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'
import { bindSessionToHost } from '#middleware/session_binding'
import { changeEmailValidator, changePasswordValidator, deleteAccountValidator } from '#validators/account'
import { rejectForm, validateForm, type FormState } from '#exceptions/form_rejected'
import { consumeAll, mailCounters } from '#start/limiter'
import { confirmCurrentPassword } from '#services/login_form'
import { mainSiteLinks } from '#services/account_mail'
import { accountBlogs, changePassword, deleteAccount, exportBlog, requestEmailChange } from '#services/accounts'
import { tooManyMails } from '#controllers/account_links_controller'

type AccountForm = 'password' | 'email' | 'delete'

const home = { domain: tenancyConfig.appDomain }

/*
 * The account page on the main site (/account): password, email address, the blog's
 * export and the account's deletion. Each form is refused on its own, with its errors and
 * input, the others left as they were.
 */
export default class AccountController {
  async show(ctx: HttpContext) {
    return this.#page(ctx)
  }

  /*
   * Every other session ends (the epoch); this one is logged in again at the new epoch.
   */
  async updatePassword(ctx: HttpContext) {
    const { auth, session, response } = ctx
    const page = this.#refused(ctx, 'password')
    const input = await validateForm(ctx, changePasswordValidator, page)
    const user = auth.getUserOrFail()
    await confirmCurrentPassword(ctx, user, input.current_password, page)
    await auth.use('web').login(await changePassword(user, input.password))
    bindSessionToHost(ctx)
    session.flash('notice', 'Your password has been changed. Every other session of your account is logged out.')
    return response.redirect().toRoute('main.account.show', {}, home)
  }

  /*
   * Nothing changes until the link sent to the new address is opened; the old address is
   * told of the request.
   */
  async updateEmail(ctx: HttpContext) {
    const { auth, session, request, response } = ctx
    const page = this.#refused(ctx, 'email')
    const input = await validateForm(ctx, changeEmailValidator, page)
    const user = auth.getUserOrFail()
    await confirmCurrentPassword(ctx, user, input.current_password, page)
    const wait = await consumeAll(mailCounters(request.ip(), `user:${user.id}`, input.email))
    if (wait > 0) throw rejectForm(ctx, { _form: [tooManyMails(wait)] }, page, { status: 429, retryAfterSeconds: wait })
    requestEmailChange(user, input.email, mainSiteLinks(request))
    session.flash(
      'notice',
      `We are sending a confirmation link to ${input.email}. Your address changes when you open it; until then it stays ${user.email}.`
    )
    return response.redirect().toRoute('main.account.show', {}, home)
  }

  async export(ctx: HttpContext) {
    const { auth, params, response } = ctx
    const blog = (await accountBlogs(auth.getUserOrFail())).find((owned) => owned.schemaName === params.schema)
    if (!blog) {
      response.status(404)
      return ctx.view.render('pages/errors/client_error', {
        status: 404,
        message: 'You have no blog by this name.',
        unknownHost: false,
        blog: null,
      })
    }
    response.header('Content-Type', 'application/json; charset=utf-8')
    response.header('Content-Disposition', `attachment; filename="${blog.schemaName}.echoblogs.json"`)
    response.stream(exportBlog(blog))
  }

  /*
   * Deleting asks for the current password and the blog's address typed out; then the
   * blogs and the user go in one transaction, and the session ends.
   */
  async destroy(ctx: HttpContext) {
    const { auth, response } = ctx
    const page = this.#refused(ctx, 'delete')
    const input = await validateForm(ctx, deleteAccountValidator, page)
    const user = auth.getUserOrFail()
    const [blog] = await accountBlogs(user)
    const expected = blog ? blog.domain : user.username
    if (input.confirmation !== expected) {
      throw rejectForm(ctx, { confirmation: [`Type ${expected} exactly, to confirm.`] }, page)
    }
    await confirmCurrentPassword(ctx, user, input.current_password, page)
    await deleteAccount(user)
    await auth.use('web').logout()
    return response.redirect().toRoute('main.account.goodbye', {}, home)
  }

  async goodbye({ view }: HttpContext) {
    return view.render('pages/account/goodbye')
  }

  #refused(ctx: HttpContext, name: AccountForm) {
    return (form: FormState) => this.#page(ctx, { [name]: form })
  }

  async #page({ view, auth }: HttpContext, forms: Partial<Record<AccountForm, FormState>> = {}) {
    const user = auth.getUserOrFail()
    const blogs = await accountBlogs(user)
    return view.render('pages/account/show', { account: user, blogs, forms })
  }
}
