import { randomBytes } from 'node:crypto'
import type Post from '#models/post'

/*
 * 32 random bytes, base64url: 43 characters no one guesses. A new link replaces the old
 * one, which stops working at once.
 */
export async function createDraftLink(post: Post) {
  post.previewToken = randomBytes(32).toString('base64url')
  await post.save()
  return post.previewToken
}

export async function revokeDraftLink(post: Post) {
  post.previewToken = null
  await post.save()
}

export const DRAFT_LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/
