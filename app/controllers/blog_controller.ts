import type { HttpContext } from '@adonisjs/core/http'
import { publishedPage, publishedPostBySlug } from '#services/post_queries'

export default class BlogController {
  async index({ view, request, tenant }: HttpContext) {
    const page = Math.max(1, Math.min(Number.parseInt(request.input('page', '1'), 10) || 1, 100_000))
    const posts = await publishedPage(page)
    return view.render('pages/blog/index', { blog: tenant, posts })
  }

  async show({ view, params, tenant }: HttpContext) {
    const post = await publishedPostBySlug(params.slug)
    return view.render('pages/blog/show', { blog: tenant, post })
  }
}
