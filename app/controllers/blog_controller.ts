import type { HttpContext } from '@adonisjs/core/http'
import BlogPolicy from '#policies/blog_policy'
import { postBySlug, publishedPage } from '#services/post_queries'
import { presentPage } from '#services/post_presenter'
import { renderMarkdown } from '#services/markdown'

export default class BlogController {
  async index({ view, request, tenant }: HttpContext) {
    const page = Math.max(1, Math.min(Number.parseInt(request.input('page', '1'), 10) || 1, 100_000))
    const posts = presentPage(await publishedPage(page))
    return view.render('pages/blog/index', { blog: tenant, posts })
  }

  async show({ view, params, tenant, bouncer }: HttpContext) {
    const isOwner = await bouncer.with(BlogPolicy).allows('manage', tenant!)
    const post = await postBySlug(params.slug, isOwner)
    return view.render('pages/blog/show', { blog: tenant, post, html: renderMarkdown(post.content) })
  }
}
