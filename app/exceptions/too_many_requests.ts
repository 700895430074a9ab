import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/*
 * A request over one of the rate limits (start/limiter.ts): a 429 page that says how long
 * to wait, with Retry-After for machines.
 */
export class TooManyRequests extends Exception {
  static status = 429
  static code = 'E_TOO_MANY_REQUESTS'

  constructor(
    private retryAfterSeconds: number,
    private explanation: string
  ) {
    super('Too many requests')
  }

  async handle(_: this, ctx: HttpContext) {
    const seconds = this.retryAfterSeconds
    const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} second${seconds === 1 ? '' : 's'}`
    ctx.response.header('Retry-After', String(seconds))
    ctx.response.status(429).send(
      await ctx.view.render('pages/errors/client_error', {
        status: 429,
        title: 'Too many requests',
        message: `${this.explanation} Please try again in ${wait}.`,
        unknownHost: false,
        blog: ctx.tenant,
      })
    )
  }
}
