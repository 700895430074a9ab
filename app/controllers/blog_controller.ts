import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import BlogPolicy from '#policies/blog_policy'
import { postBySlug, publishedPage } from '#services/post_queries'
import { presentPage } from '#services/post_presenter'
import { pageNumber } from '#services/public_pages'
import { postsPerPageOf } from '#services/blog_settings'
import { homeMeta, postMeta } from '#services/page_meta'

export default class BlogController {
  async index({ view, request, tenant }: HttpContext) {
    const page = await publishedPage(tenant!, pageNumber(request.qs().page), postsPerPageOf(tenant!))
    // A page past the last is not a page: it is neither rendered as one nor stored.
    if (page.page > 1 && page.posts.length === 0) {
      throw new Exception('There are no posts on this page.', { status: 404, code: 'E_NO_SUCH_PAGE' })
    }
    const posts = presentPage(page)
    return view.render('pages/blog/index', { blog: tenant, posts, meta: homeMeta(request, tenant!, page.page) })
  }

  async show({ view, params, request, tenant, bouncer }: HttpContext) {
    // No slug holds NUL, and PostgreSQL would refuse to compare one (a 500, not a 404).
    const slug = String(params.slug)
    const isOwner = !slug.includes('\u0000') && (await bouncer.with(BlogPolicy).allows('manage', tenant!))
    const post = slug.includes('\u0000') ? null : await postBySlug(tenant!, slug, isOwner)
    if (!post) throw new Exception('Post not found', { status: 404, code: 'E_ROW_NOT_FOUND' })
    return view.render('pages/blog/show', { blog: tenant, post, meta: postMeta(request, tenant!, post) })
  }
}
