import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { postByPreviewToken } from '#services/post_queries'

/*
 * A draft read through its private link: never stored or indexed, and the link does not
 * leave the page as a Referer. Once the post is out, the link leads to its page.
 */
export default class DraftPreviewsController {
  async show({ view, params, response, tenant }: HttpContext) {
    const post = await postByPreviewToken(tenant!, params.token)
    if (!post) throw new Exception('This preview link does not exist or was revoked', { status: 404, code: 'E_ROW_NOT_FOUND' })
    if (post.isPublished && !post.scheduled) return response.redirect().toRoute('blog.posts.show', { slug: post.slug })
    response.header('X-Robots-Tag', 'noindex, nofollow')
    response.header('Referrer-Policy', 'no-referrer')
    return view.render('pages/blog/show', { blog: tenant, post, sharedPreview: true })
  }
}
