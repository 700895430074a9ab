import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { securityHeaders, transportSecurity } from '#config/app'
import { PRIVATE_CACHE_CONTROL } from '#services/page_delivery'

const SECURITY_HEADERS = Object.entries(securityHeaders)

/*
 * What every response carries unless a handler says otherwise: the security headers
 * (config/app.ts), no caching anywhere (pages for one visitor, forms, errors; public pages
 * and static files set their own policy), and Strict-Transport-Security when the request
 * came over https (as it arrived, through a trusted proxy): browsers ignore it over http,
 * and a site served over http should not claim it.
 */
export default class ResponseHeadersMiddleware {
  handle({ request, response }: HttpContext, next: NextFn) {
    for (const [name, value] of SECURITY_HEADERS) response.header(name, value)
    response.header('Cache-Control', PRIVATE_CACHE_CONTROL)
    if (transportSecurity.hstsHeader && request.secure()) {
      response.header('Strict-Transport-Security', transportSecurity.hstsHeader)
    }
    return next()
  }
}
