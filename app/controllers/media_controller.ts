import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { MIME_BY_EXTENSION } from '#services/image_formats'
import { mediaDisk, mediaPath } from '#tenancy/tenant_media'

/* A key names its bytes for ever (a new upload gets a new key), so any cache may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/*
 * A blog's uploaded image, from its own host: the file is found under that blog's prefix
 * by the key alone (the route lets only the key's shape through), so no database
 * connection is taken, let alone held while a slow client reads. Another blog's key is
 * not under this prefix: a 404, like any unknown key. The type is the one detected at
 * upload, named by the key's extension.
 */
export default class MediaController {
  async show({ params, tenant, request, response }: HttpContext) {
    const key = String(params.key)
    const path = mediaPath(tenant!.id, key)
    const disk = mediaDisk()
    let metadata
    try {
      metadata = await disk.getMetaData(path)
    } catch (error) {
      if (await disk.exists(path)) throw error
      throw new Exception('Image not found', { status: 404, code: 'E_ROW_NOT_FOUND' })
    }
    response.header('Content-Type', MIME_BY_EXTENSION[key.slice(key.lastIndexOf('.') + 1)])
    response.header('Cache-Control', IMMUTABLE)
    response.header('X-Content-Type-Options', 'nosniff')
    response.header('ETag', metadata.etag)
    response.header('Last-Modified', metadata.lastModified.toUTCString())
    if (response.fresh()) return response.status(304)
    response.header('Content-Length', String(metadata.contentLength))
    if (request.method() === 'HEAD') return response.status(200)
    response.stream(await disk.getStream(path))
  }
}
