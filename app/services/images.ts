import Image from '#models/image'
import { LimitReached, limitOf } from '#services/plans'
import type { ReceivedImage } from '#services/image_upload'
import { scopedClient } from '#tenancy/tenant_scope'
import { storageBytes } from '#tenancy/tenant_storage'
import type { TenantRef } from '#tenancy/types'

const PER_PAGE = 30
/* The cover image choices of the post editor: the newest images, and the post's own. */
const COVER_CHOICES = 200

/*
 * The bound blog's images, in its tenant scope. Their bytes are on the Drive disk
 * (#tenancy/tenant_media); a row is written only once the whole file is there, and the
 * file goes only once the row's deletion has committed (#middleware/image_files_middleware).
 */
export async function imagePage(page: number) {
  const rows = await Image.query()
    .orderBy('created_at', 'desc')
    .orderBy('key')
    .offset((page - 1) * PER_PAGE)
    .limit(PER_PAGE + 1)
  return { images: rows.slice(0, PER_PAGE), page, hasMore: rows.length > PER_PAGE }
}

/*
 * Records an uploaded file, unless the blog's storage (its tables and its images) would
 * then be over its plan: LimitReached, and the file is discarded by the caller.
 */
export async function addImage(blog: TenantRef, image: ReceivedImage) {
  const used = (await storageBytes(scopedClient(), [blog.schemaName])).get(blog.schemaName) ?? 0
  if (used + image.bytes > limitOf(blog, 'storageMb') * 1024 * 1024) throw new LimitReached(blog, 'storageMb')
  return Image.create(image)
}

/*
 * Deletes the row; posts that had it as their cover lose it (ON DELETE SET NULL). Null
 * when there is no such image.
 */
export async function deleteImage(key: string) {
  const image = await Image.find(key)
  if (!image) return null
  await image.delete()
  return image
}

export async function coverChoices(currentKey: string | null) {
  const rows = await Image.query().orderBy('created_at', 'desc').orderBy('key').limit(COVER_CHOICES)
  if (currentKey && !rows.some((row) => row.key === currentKey)) {
    const current = await Image.find(currentKey)
    if (current) rows.push(current)
  }
  return rows
}

export async function imageExists(key: string) {
  return (await Image.find(key)) !== null
}
