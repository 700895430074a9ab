import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { VineValidator } from '@vinejs/vine'
import type { Infer, SchemaTypes } from '@vinejs/vine/types'

/*
 * What a form component shows after a rejected submission: the input as sent (never
 * passwords or the CSRF token) and the messages per field (`_form`: about the whole form).
 */
export interface FormState {
  values: Record<string, unknown>
  errors: Record<string, string[]>
}

export type FormPage = (form: FormState) => Promise<string>

interface Refusal {
  status?: number
  retryAfterSeconds?: number
}

const NEVER_ECHOED = ['_csrf', '_method', 'password', 'password_confirmation', 'current_password', 'token']

/*
 * A rejected form is rendered again in the same response (422), with its errors and the
 * full input. Nothing goes through the session: a long post would not fit in a cookie.
 */
export class FormRejected extends Exception {
  static status = 422
  static code = 'E_FORM_REJECTED'

  constructor(
    private page: FormPage,
    readonly form: FormState,
    private refusal: Refusal = {}
  ) {
    super('The form could not be saved', { status: refusal.status ?? 422 })
  }

  /*
   * A client that asks for JSON gets the messages as JSON, like AdonisJS's own validation
   * errors: { errors: [{ field, message }] }.
   */
  async handle(_: this, ctx: HttpContext) {
    if (this.refusal.retryAfterSeconds) {
      ctx.response.header('Retry-After', String(this.refusal.retryAfterSeconds))
    }
    if (ctx.request.accepts(['html', 'json']) === 'json') {
      const errors = Object.entries(this.form.errors).flatMap(([field, messages]) =>
        messages.map((message) => ({ field, message }))
      )
      return ctx.response.status(this.status).send({ errors })
    }
    ctx.response.status(this.status).send(await this.page(this.form))
  }
}

export function rejectForm(
  ctx: HttpContext,
  errors: Record<string, string[]>,
  page: FormPage,
  refusal?: Refusal
) {
  const values = Object.fromEntries(
    Object.entries(ctx.request.all()).filter(([name]) => !NEVER_ECHOED.includes(name))
  )
  return new FormRejected(page, { values, errors }, refusal)
}

/*
 * A VineJS validation error (from a validator or raised by a service) as a rejected form;
 * anything else is rethrown as it is.
 */
export function rejectInvalid(ctx: HttpContext, error: unknown, page: FormPage): never {
  throw rejectForm(ctx, fieldErrors(error), page)
}

/*
 * The messages of a VineJS validation error per field; anything else is rethrown.
 */
export function fieldErrors(error: unknown): Record<string, string[]> {
  if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
  const errors: Record<string, string[]> = {}
  for (const message of error.messages as { field: string; message: string }[]) {
    ;(errors[message.field] ??= []).push(message.message)
  }
  return errors
}

/*
 * request.validateUsing() for forms: a validation failure re-renders `page` with the
 * messages instead of redirecting back through the session.
 */
export async function validateForm<Schema extends SchemaTypes, Meta extends Record<string, any> | undefined>(
  ctx: HttpContext,
  validator: VineValidator<Schema, Meta>,
  page: FormPage,
  ...[options]: Meta extends undefined ? [] : [{ meta: Meta }]
): Promise<Infer<Schema>> {
  try {
    return await ctx.request.validateUsing(validator as any, options as any)
  } catch (error) {
    rejectInvalid(ctx, error, page)
  }
}
