import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import BlogPolicy from '#policies/blog_policy'
import { postBySlug, publishedPage } from '#services/post_queries'
import { postHtml, presentPage } from '#services/post_presenter'
import { pageNumber } from '#services/public_pages'

export default class BlogController {
  async index({ view, request, tenant }: HttpContext) {
    const posts = presentPage(await publishedPage(pageNumber(request.qs().page)))
    return view.render('pages/blog/index', { blog: tenant, posts })
  }

  async show({ view, params, tenant, bouncer }: HttpContext) {
    // No slug holds NUL, and PostgreSQL would refuse to compare one (a 500, not a 404).
    if (String(params.slug).includes('\u0000')) {
      throw new Exception('Post not found', { status: 404, code: 'E_ROW_NOT_FOUND' })
    }
    const isOwner = await bouncer.with(BlogPolicy).allows('manage', tenant!)
    const post = await postBySlug(params.slug, isOwner)
    return view.render('pages/blog/show', { blog: tenant, post, html: postHtml(post) })
  }
}
