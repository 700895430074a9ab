import type { HttpContext } from '@adonisjs/core/http'
import type { Infer } from '@vinejs/vine/types'
import { fieldErrors } from '#exceptions/form_rejected'
import type { RenderedPost } from '#services/markdown'
import { limitOf } from '#services/plans'
import { RenderRefused, renderContent } from '#services/post_rendering'
import { postValidator } from '#validators/post'
import BlogPolicy from '#policies/blog_policy'

export type PostFields = Infer<typeof postValidator>

/*
 * A submitted post, read and rendered: its fields with their HTML and excerpt, or the
 * messages to show the writer on the form.
 */
export type PostSubmission =
  | { accepted: true; fields: PostFields; rendered: RenderedPost }
  | { accepted: false; errors: Record<string, string[]> }

/*
 * Validates the post form against the blog's plan and renders its Markdown (in a worker
 * thread, within the render budget). It needs no database, so it runs before the route
 * opens its tenant scope (#middleware/post_submission_middleware). A post to publish by an
 * owner whose address is not verified is refused here, its input kept (BlogPolicy.publish).
 */
export async function readPostSubmission(ctx: HttpContext): Promise<PostSubmission> {
  let fields: PostFields
  try {
    fields = await ctx.request.validateUsing(postValidator, { meta: { maxChars: limitOf(ctx.tenant!, 'postChars') } })
  } catch (error) {
    return { accepted: false, errors: fieldErrors(error) }
  }
  if (fields.publish) {
    const decision = await ctx.bouncer.with(BlogPolicy).execute('publish', ctx.tenant!)
    if (!decision.authorized) return { accepted: false, errors: { _form: [decision.message ?? 'You cannot publish on this blog.'] } }
  }
  try {
    return { accepted: true, fields, rendered: await renderContent(fields.content) }
  } catch (error) {
    if (error instanceof RenderRefused) return { accepted: false, errors: { content: [error.message] } }
    throw error
  }
}
