import type { HttpContext } from '@adonisjs/core/http'
import { FEED_SIZE, SITEMAP_LIMIT, latestPublished } from '#services/post_queries'
import { atomFeed, sitemap } from '#services/feeds'
import { absoluteUrl } from '#services/urls'

/*
 * Links in feeds are absolute, on the blog's primary domain.
 */
export default class FeedsController {
  async atom({ request, response, tenant }: HttpContext) {
    const origin = absoluteUrl(request, tenant!.primaryDomain ?? request.hostname()!, '')
    const posts = await latestPublished(FEED_SIZE)
    response.header('content-type', 'application/atom+xml; charset=utf-8')
    return atomFeed(tenant!, origin, posts)
  }

  async sitemap({ request, response, tenant }: HttpContext) {
    const origin = absoluteUrl(request, tenant!.primaryDomain ?? request.hostname()!, '')
    const posts = await latestPublished(SITEMAP_LIMIT)
    response.header('content-type', 'application/xml; charset=utf-8')
    return sitemap(origin, posts)
  }
}
