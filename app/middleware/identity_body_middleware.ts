import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/*
 * Request bodies are read as sent: browsers never compress what they post, and AdonisJS's
 * body parser cannot read a compressed body anyway. A Content-Encoding other than identity
 * is refused with a 400 before anything decompresses it.
 */
export default class IdentityBodyMiddleware {
  handle({ request }: HttpContext, next: NextFn) {
    const encoding = request.header('content-encoding')?.trim().toLowerCase()
    if (encoding && encoding !== 'identity') {
      throw new Exception(`Compressed request bodies are not accepted (Content-Encoding: ${encoding})`, {
        status: 400,
        code: 'E_BAD_BODY_ENCODING',
      })
    }
    return next()
  }
}
