import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { preferredEncoding } from '#services/page_delivery'

const MIN_BYTES = 1024
const COMPRESSIBLE = /^(text\/|application\/(atom\+)?xml|application\/json)/

/*
 * Rendered responses (pages for one visitor, forms, errors) go out compressed when the
 * client accepts it. Stored public pages come compressed already, and so do the files of
 * public/ (#middleware/assets_middleware).
 */
export default class CompressionMiddleware {
  async handle({ request, response }: HttpContext, next: NextFn) {
    await next()
    const body = response.getBody()
    if (typeof body !== 'string' || body.length < MIN_BYTES || response.getHeader('content-encoding')) return
    const type = String(response.getHeader('content-type') ?? (body.trimStart().startsWith('<') ? 'text/html' : ''))
    if (!COMPRESSIBLE.test(type)) return
    if (!/\baccept-encoding\b/i.test(String(response.getHeader('vary') ?? ''))) response.append('Vary', 'Accept-Encoding')
    const encoding = preferredEncoding(request.header('accept-encoding'))
    if (!encoding) return
    const compressed =
      encoding === 'br'
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })
        : gzipSync(body, { level: 5 })
    if (!response.getHeader('content-type')) response.header('Content-Type', `${type}; charset=utf-8`)
    response.header('Content-Encoding', encoding)
    response.send(compressed)
  }
}
