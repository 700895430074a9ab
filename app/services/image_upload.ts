import { randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import string from '@adonisjs/core/helpers/string'
import type { MultipartStream } from '@adonisjs/core/types/bodyparser'
import bodyParserConfig from '#config/bodyparser'
import { limitOf } from '#services/plans'
import { SIGNATURE_BYTES, detectFormat, readDimensions, type ImageFormat } from '#services/image_formats'
import { mediaDisk, mediaPath, writeMedia } from '#tenancy/tenant_media'
import type { TenantRef } from '#tenancy/types'

export interface ReceivedImage {
  key: string
  originalName: string
  mimeType: ImageFormat['mimeType']
  bytes: number
  width: number | null
  height: number | null
}

export type ImageUpload =
  | { accepted: true; image: ReceivedImage }
  | { accepted: false; status: 413 | 422 | 429; errors: Record<string, string[]> }

const MB = 1024 * 1024
/* The bodyparser's multipart limit: no plan lifts it. */
const CEILING = string.bytes.parse(bodyParserConfig.multipart.limit!) as number
/* What is kept of an upload's first bytes to read its width and height. */
const HEADER_BYTES = 64 * 1024

class Refusal extends Error {
  constructor(
    message: string,
    readonly status: 413 | 422 | 429 = 422
  ) {
    super(message)
  }
}

/*
 * Reads the `image` field of a multipart request straight onto the blog's Drive prefix,
 * before the route takes a database connection (a slow client holds a socket, never a
 * connection). Nothing is written until the first bytes say the file is an image; the
 * stream stops at the plan's size per image (and at the bodyparser's ceiling, whatever
 * the plan), and a file cut short is deleted. The caller keeps or discards the result
 * (#middleware/image_files_middleware).
 */
export async function receiveImage(ctx: HttpContext): Promise<ImageUpload> {
  const blog = ctx.tenant!
  const receiving = uploadsInFlight.get(blog.id) ?? 0
  if (receiving >= UPLOADS_AT_ONCE) {
    return refused(new Refusal(`This blog is already receiving ${UPLOADS_AT_ONCE} uploads. Try again once they are done.`, 429))
  }
  uploadsInFlight.set(blog.id, receiving + 1)
  try {
    return await receive(ctx, blog)
  } finally {
    const left = (uploadsInFlight.get(blog.id) ?? 1) - 1
    if (left > 0) uploadsInFlight.set(blog.id, left)
    else uploadsInFlight.delete(blog.id)
  }
}

/*
 * Uploads a blog may have streaming in at once, per process: each may write up to the
 * ceiling to the disk before it is checked against the blog's storage, so without this a
 * blog (or a stolen session) could fill the disk with uploads in flight.
 */
const UPLOADS_AT_ONCE = 2
const uploadsInFlight = new Map<number, number>()

async function receive(ctx: HttpContext, blog: TenantRef): Promise<ImageUpload> {
  const { request } = ctx
  const multipart = request.is(['multipart/form-data']) && request.hasBody() ? request.multipart : null
  if (!multipart) return refused(new Refusal('Choose an image file to upload.'))

  const maxBytes = Math.min(limitOf(blog, 'imageMb') * MB, CEILING)
  let received: ReceivedImage | null = null
  let refusal: Refusal | null = null
  multipart.onFile('image', {}, async (part, report) => {
    if (received || refusal) return void part.resume()
    try {
      received = await storeImage(blog, part, report, maxBytes)
    } catch (error) {
      refusal = error instanceof Refusal ? error : ceilingRefusal(error)
      multipart.abort(refusal ?? error)
    }
  })
  try {
    await multipart.process()
  } catch (error) {
    refusal ??= ceilingRefusal(error)
    if (!refusal) throw error
  }
  if (refusal) return refused(refusal)
  if (!received) return refused(new Refusal('Choose an image file to upload.'))
  return { accepted: true, image: received }
}

function refused(refusal: Refusal): ImageUpload {
  return { accepted: false, status: refusal.status, errors: { image: [refusal.message] } }
}

function ceilingRefusal(error: unknown) {
  if ((error as { code?: string })?.code !== 'E_REQUEST_ENTITY_TOO_LARGE') return null
  return new Refusal(`This upload is over ${CEILING / MB} MB, the most this server accepts in one request.`, 413)
}

async function storeImage(
  blog: TenantRef,
  part: MultipartStream,
  report: (chunk: Buffer) => void | Promise<void>,
  maxBytes: number
): Promise<ReceivedImage> {
  const name = displayName(part.filename)
  const chunks = part[Symbol.asyncIterator]()
  let bytes = 0
  let refusal: Refusal | null = null
  const next = async (): Promise<Buffer | null> => {
    const { done, value } = await chunks.next()
    if (done) return null
    await report(value)
    bytes += value.length
    if (bytes > maxBytes) {
      refusal = new Refusal(
        `“${name}” is larger than ${maxBytes / MB} MB, this blog's limit per image. Make it smaller (resize or compress it) and upload it again.`,
        413
      )
      throw refusal
    }
    return value
  }

  let head = Buffer.alloc(0)
  while (head.length < SIGNATURE_BYTES) {
    const chunk = await next()
    if (!chunk) break
    head = Buffer.concat([head, chunk])
  }
  const format = detectFormat(head)
  if (!format) {
    part.resume()
    throw new Refusal(
      bytes === 0
        ? `“${name}” is empty.`
        : `“${name}” is not a JPEG, PNG, GIF or WebP image (the file's content was checked, not its name). SVG is not accepted: it can carry scripts.`
    )
  }

  const key = `${randomBytes(16).toString('base64url')}.${format.extension}`
  const path = mediaPath(blog.id, key)
  let header = head.subarray(0, HEADER_BYTES)
  async function* body() {
    yield head
    for (let chunk = await next(); chunk; chunk = await next()) {
      if (header.length < HEADER_BYTES) header = Buffer.concat([header, chunk]).subarray(0, HEADER_BYTES)
      yield chunk
    }
  }
  try {
    await writeMedia(path, body(), format.mimeType)
  } catch (error) {
    await mediaDisk().delete(path).catch(() => {})
    throw refusal ?? error
  }
  const dimensions = readDimensions(format, header)
  return {
    key,
    originalName: name,
    mimeType: format.mimeType,
    bytes,
    width: dimensions?.width ?? null,
    height: dimensions?.height ?? null,
  }
}

/*
 * The name the writer's file had, for the list and alt text: no path, no control
 * characters, at most 255 characters.
 */
function displayName(filename: string | undefined) {
  const base = (filename ?? '').split(/[\\/]/).pop()!
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255)
  return clean || 'image'
}
