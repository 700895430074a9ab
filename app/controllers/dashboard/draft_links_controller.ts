import type { HttpContext } from '@adonisjs/core/http'
import { postById } from '#services/post_queries'
import { createDraftLink, revokeDraftLink } from '#services/draft_links'

/*
 * The owner makes or revokes a post's private preview link from its editor.
 */
export default class DraftLinksController {
  async store({ params, response, session }: HttpContext) {
    const post = await postById(params.id)
    await createDraftLink(post)
    session.flash('notice', `Made a new preview link for “${post.title}”: anyone with it can read the post before it is published.`)
    return response.redirect().toRoute('blog.dashboard.posts.edit', { id: post.id })
  }

  async destroy({ params, response, session }: HttpContext) {
    const post = await postById(params.id)
    await revokeDraftLink(post)
    session.flash('notice', `Revoked the preview link of “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard.posts.edit', { id: post.id })
  }
}
