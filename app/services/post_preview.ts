import type { HttpContext } from '@adonisjs/core/http'
import { fieldErrors } from '#exceptions/form_rejected'
import { limitOf } from '#services/plans'
import postRenderer, { RenderRefused } from '#services/post_renderer'
import { wordsLabel } from '#services/word_count'
import { consumeAll, previewLimits } from '#start/limiter'
import { postPreviewValidator } from '#validators/post'

export type PostPreview =
  | { rendered: true; html: string; words: string }
  | { rendered: false; errors: Record<string, string[]>; retryAfterSeconds?: number }

/*
 * The editor's preview of a post's Markdown, rendered like a saved post (the same worker
 * and budget) but never saved and with no connection taken. Each blog may ask for
 * PREVIEWS_PER_MINUTE of them, and previews only get a short queue at the renderer, so an
 * open editor (or a script) cannot delay other blogs' saves.
 */
export async function previewPost(ctx: HttpContext): Promise<PostPreview> {
  const blog = ctx.tenant!
  let content: string
  try {
    const fields = await ctx.request.validateUsing(postPreviewValidator, { meta: { maxChars: limitOf(blog, 'postChars') } })
    content = fields.content ?? ''
  } catch (error) {
    return { rendered: false, errors: fieldErrors(error) }
  }
  const wait = await consumeAll([{ limits: previewLimits.perBlog, key: `preview_${blog.id}` }])
  if (wait) {
    return {
      rendered: false,
      errors: { content: [`The preview is paused: this blog asked for many previews in the last minute.`] },
      retryAfterSeconds: wait,
    }
  }
  if (!content.trim()) return { rendered: true, html: '', words: wordsLabel(0) }
  try {
    const { html, words } = await postRenderer.preview(content)
    return { rendered: true, html, words: wordsLabel(words) }
  } catch (error) {
    if (error instanceof RenderRefused) return { rendered: false, errors: { content: [error.message] } }
    throw error
  }
}
