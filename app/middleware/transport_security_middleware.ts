import string from '@adonisjs/core/helpers/string'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { transportSecurity } from '#config/app'

const maxAge = string.seconds.parse(transportSecurity.hstsMaxAge)
const HSTS = `max-age=${maxAge}`

/*
 * Strict-Transport-Security only on responses sent over https (as the request arrived,
 * through a trusted proxy): browsers ignore it over http, and a site served over http
 * should not claim it.
 */
export default class TransportSecurityMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (maxAge > 0 && ctx.request.secure()) ctx.response.header('Strict-Transport-Security', HSTS)
    return next()
  }
}
