import { Readable } from 'node:stream'
import drive from '@adonisjs/drive/services/main'
import { FSDriver } from 'flydrive/drivers/fs'

/*
 * Each blog's files live under its own prefix on the Drive disk, named by the tenant's
 * id: ids are never reused and survive a rename, so a key can only ever reach the files
 * of the blog whose host asked for it. Keys are checked against IMAGE_KEY before they
 * become a path, so no key can climb out of its prefix.
 */
export const IMAGE_KEY = /^[A-Za-z0-9_-]{22}\.(?:jpg|png|gif|webp)$/

export function mediaPrefix(tenantId: number) {
  return `blogs/${tenantId}`
}

export function mediaPath(tenantId: number, key: string) {
  if (!IMAGE_KEY.test(key)) throw new Error(`Invalid image key ${JSON.stringify(key)}`)
  return `${mediaPrefix(tenantId)}/${key}`
}

export function mediaDisk() {
  return drive.use()
}

/*
 * Writes a file as its bytes arrive. A local disk takes the stream as it comes; S3's
 * PutObject needs the length first, so there the bytes (at most one upload, bounded by
 * the bodyparser's ceiling) are gathered, then sent.
 */
export async function writeMedia(path: string, chunks: AsyncIterable<Buffer>, contentType: string) {
  const disk = mediaDisk()
  if (disk.driver instanceof FSDriver) return disk.putStream(path, Readable.from(chunks), { contentType })
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return disk.put(path, Buffer.concat(parts), { contentType })
}

export async function copyMedia(fromTenantId: number, toTenantId: number, keys: string[]) {
  const disk = mediaDisk()
  for (const key of keys) await disk.copy(mediaPath(fromTenantId, key), mediaPath(toTenantId, key))
}

/*
 * Every file of a blog, whatever the rows say (a row rolled back may have left one).
 */
export async function removeMedia(tenantId: number) {
  await mediaDisk().deleteAll(mediaPrefix(tenantId))
}
