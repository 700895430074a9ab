import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { assetAt } from '#services/assets'
import { matchesEtag, preferredEncoding } from '#services/page_delivery'

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'public, max-age=0, must-revalidate'

/*
 * The files of public/ (#services/assets): under their fingerprinted address cached for a
 * year, under their plain one revalidated each time; compressed when the client accepts.
 */
export default class AssetsMiddleware {
  handle({ request, response }: HttpContext, next: NextFn) {
    const method = request.method()
    const found = method === 'GET' || method === 'HEAD' ? assetAt(request.url()) : undefined
    if (!found) return next()
    const { asset, immutable } = found
    response.header('Cache-Control', immutable ? IMMUTABLE : REVALIDATE)
    response.header('ETag', asset.etag)
    response.header('Vary', 'Accept-Encoding')
    response.header('Content-Type', asset.type)
    const ifNoneMatch = request.header('if-none-match')
    if (ifNoneMatch && matchesEtag(ifNoneMatch, asset.etag)) return response.status(304).send(null)
    const encoding = preferredEncoding(request.header('accept-encoding'))
    if (encoding) response.header('Content-Encoding', encoding)
    response.status(200).send(encoding ? asset[encoding] : asset.body)
  }
}
