import type { HttpContext } from '@adonisjs/core/http'
import { recentlyUpdatedBlogs } from '#services/blog_directory'

export default class SiteController {
  async home({ view }: HttpContext) {
    const blogs = await recentlyUpdatedBlogs()
    return view.render('pages/site/home', { blogs })
  }
}
