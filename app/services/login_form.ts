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
  if (throttled) throw tooManyFailures(ctx, 'uid', throttled.retryAfter, page)
  await ctx.auth.use('web').login(user)
  bindSessionToHost(ctx)
  return user
}

export function waitWords(seconds: number) {
  return seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} second${seconds === 1 ? '' : 's'}`
}

function tooManyFailures(ctx: HttpContext, field: string, seconds: number, page: FormPage) {
  return rejectForm(ctx, { [field]: [`Too many failed login attempts. Try again in ${waitWords(seconds)}.`] }, page, {
    status: 429,
    retryAfterSeconds: seconds,
  })
}

/*
 * The logged-in user's current password, asked before a change to the account: checked
 * and counted like a login, so a session left open cannot be used to guess it. A refusal
 * renders `page` with the error on `current_password`.
 */
export async function confirmCurrentPassword(ctx: HttpContext, user: User, password: string, page: FormPage) {
  let outcome: Awaited<ReturnType<typeof throttledLogin<User>>>
  try {
    outcome = await throttledLogin(ctx.request, user.email, () => User.verifyCredentials(user.email, password))
  } catch (error) {
    if (error instanceof authErrors.E_INVALID_CREDENTIALS) {
      throw rejectForm(ctx, { current_password: [WRONG_CURRENT_PASSWORD] }, page)
    }
    throw error
  }
  const [throttled] = outcome
  if (throttled) throw tooManyFailures(ctx, 'current_password', throttled.retryAfter, page)
}

export const WRONG_CURRENT_PASSWORD = 'Your current password is not correct.'
