import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import blogConfig from '#config/blog'
import { latestPublished, publishedCount, sitemapEntries } from '#services/post_queries'
import { atomFeed, sitemapFile, sitemapIndex } from '#services/feeds'
import { blogOrigin } from '#services/urls'

/*
 * Links in feeds are absolute, on the blog's canonical host (#services/urls blogOrigin).
 */
export default class FeedsController {
  async atom({ request, response, tenant }: HttpContext) {
    const posts = await latestPublished(tenant!, blogConfig.feedEntries)
    response.header('content-type', 'application/atom+xml; charset=utf-8')
    return atomFeed(tenant!, blogOrigin(request, tenant!), posts)
  }

  async sitemap({ request, response, tenant }: HttpContext) {
    const files = Math.ceil((await publishedCount(tenant!)) / blogConfig.sitemapUrlsPerFile)
    response.header('content-type', 'application/xml; charset=utf-8')
    return sitemapIndex(blogOrigin(request, tenant!), files)
  }

  async sitemapPosts({ request, response, params, tenant }: HttpContext) {
    const n = Number(/^posts-(\d+)\.xml$/.exec(params.file)![1])
    const posts = await sitemapEntries(tenant!, n, blogConfig.sitemapUrlsPerFile)
    if (n > 1 && posts.length === 0) {
      throw new Exception('No such sitemap', { status: 404, code: 'E_ROW_NOT_FOUND' })
    }
    response.header('content-type', 'application/xml; charset=utf-8')
    return sitemapFile(blogOrigin(request, tenant!), posts, n === 1)
  }
}
