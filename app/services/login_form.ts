import type { HttpContext } from '@adonisjs/core/http'
import { errors as authErrors } from '@adonisjs/auth'
import User from '#models/user'
import { loginValidator } from '#validators/session'
import { bindSessionToHost } from '#middleware/session_binding'
import { rejectForm, validateForm, type FormPage } from '#exceptions/form_rejected'
import { throttledLogin } from '#start/limiter'

export const WRONG_CREDENTIALS = 'The email, username or password is not correct.'

/*
 * A login form submitted on any host: validated, counted against the login rate limits,
 * checked, and the session bound to this host. A refusal renders `page` again: 422 for
 * wrong credentials, 429 with Retry-After while the account or address is blocked.
 */
export async function logInFromForm(ctx: HttpContext, page: FormPage): Promise<User> {
  const { uid, password } = await validateForm(ctx, loginValidator, page)
  let outcome: Awaited<ReturnType<typeof throttledLogin<User>>>
  try {
    outcome = await throttledLogin(ctx.request, uid, () => User.verifyCredentials(uid, password))
  } catch (error) {
    if (error instanceof authErrors.E_INVALID_CREDENTIALS) throw rejectForm(ctx, { uid: [WRONG_CREDENTIALS] }, page)
    throw error
  }
  const [throttled, user] = outcome
  if (throttled) {
    const seconds = throttled.retryAfter
    const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} second${seconds === 1 ? '' : 's'}`
    throw rejectForm(ctx, { uid: [`Too many failed login attempts. Try again in ${wait}.`] }, page, {
      status: 429,
      retryAfterSeconds: seconds,
    })
  }
  await ctx.auth.use('web').login(user)
  bindSessionToHost(ctx)
  return user
}
