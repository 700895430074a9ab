import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { receiveImage, type ImageUpload } from '#services/image_upload'
import { mediaDisk, mediaPath } from '#tenancy/tenant_media'

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /* The upload read before the route's tenant scope opened (routes with `receive`). */
    imageUpload?: ImageUpload
    /* Image files to delete once the request's transaction has committed. */
    imageFilesToRemove?: string[]
  }
}

/*
 * Keeps the Drive disk in step with the images table around a route's tenant scope (it
 * runs before tenantScope, whose transaction has ended when `next` returns):
 * - with `receive`, reads the upload first, with no connection held while it streams in,
 *   and deletes the stored file unless the request succeeded (the row was committed);
 * - deletes the files of rows the route deleted, only once that deletion has committed.
 * A file that cannot be deleted is logged and left under its blog's prefix, which goes
 * with the blog; no reader can reach it without its row's key. Nothing of a refused
 * upload is written past the refusal; the rest of its body is read and dropped.
 */
export default class ImageFilesMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { receive?: boolean } = {}) {
    const blog = ctx.tenant!
    ctx.imageFilesToRemove = []
    if (options.receive) ctx.imageUpload = await receiveImage(ctx)
    let committed = false
    try {
      await next()
      committed = ctx.response.getStatus() < 400
    } finally {
      const upload = ctx.imageUpload
      const stale = committed ? ctx.imageFilesToRemove : upload?.accepted ? [upload.image.key] : []
      for (const key of stale) {
        await mediaDisk()
          .delete(mediaPath(blog.id, key))
          .catch((error) => ctx.logger.error({ err: error, key }, 'could not delete an image file'))
      }
      if (upload && !upload.accepted) lingerThenClose(ctx)
    }
  }
}

/* How long a refused upload's client may go on sending (read and dropped) once answered. */
const LINGER_MS = 2000

/*
 * A refused upload is answered before its body has all arrived; Node then reads the rest
 * and drops it. Closing the connection at once (Connection: close) makes the kernel reset
 * it while the client is still sending, and the client may lose the answer with it: so
 * the client gets LINGER_MS to read the page and stop, and the connection is cut after
 * that if the body has still not ended.
 */
function lingerThenClose({ request, response }: HttpContext) {
  const incoming = request.request
  response.response.once('finish', () => {
    if (incoming.complete) return
    const timer = setTimeout(() => incoming.socket.destroy(), LINGER_MS)
    incoming.once('end', () => clearTimeout(timer))
    incoming.socket.once('close', () => clearTimeout(timer))
  })
}
