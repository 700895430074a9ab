import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/*
 * Forms spoof PUT and DELETE with `_method` in their action's query string (the form
 * component). Bodies are parsed before routing here, so a `_method` field in a body would
 * be honoured too; it is dropped, and the query string stays the only way to spoof.
 */
export default class MethodSpoofingMiddleware {
  handle({ request }: HttpContext, next: NextFn) {
    const body = request.body()
    if (body && typeof body === 'object' && '_method' in body) {
      const { _method: _, ...rest } = body
      request.updateBody(rest)
    }
    return next()
  }
}
