import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { readPostSubmission, type PostSubmission } from '#services/post_submission'

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /*
     * Set on the routes that save a post, before their tenant scope opens.
     */
    postSubmission?: PostSubmission
  }
}

/*
 * Renders a submitted post before the route takes a connection: a render may take its
 * whole budget (MARKDOWN_RENDER_BUDGET_MS), and an open transaction on a tenant slot held
 * through it would be taken from the blog's other requests and, through the shared pool,
 * from other blogs. The controller saves what was rendered, or shows the form's errors.
 */
export default class PostSubmissionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.postSubmission = await readPostSubmission(ctx)
    return next()
  }
}
