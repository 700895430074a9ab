import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import blogConfig from '#config/blog'
import { latestPublished, publishedPage, publishedTagName } from '#services/post_queries'
import { presentPage } from '#services/post_presenter'
import { atomFeed } from '#services/feeds'
import { blogOrigin } from '#services/urls'
import { pageNumber } from '#services/public_pages'
import { postsPerPageOf } from '#services/blog_settings'
import { tagMeta } from '#services/page_meta'

/*
 * A tag's page and feed list its published posts only: a tag that only drafts carry has
 * neither, so it does not tell readers what is being written.
 */
export default class TagsController {
  async show({ view, request, params, tenant }: HttpContext) {
    const tag = await this.#tag(tenant!, params.slug)
    const page = await publishedPage(tenant!, pageNumber(request.qs().page), postsPerPageOf(tenant!), tag.slug)
    if (page.page > 1 && page.posts.length === 0) {
      throw new Exception('There are no posts on this page.', { status: 404, code: 'E_NO_SUCH_PAGE' })
    }
    const meta = tagMeta(request, tenant!, tag, page.page)
    return view.render('pages/blog/tag', { blog: tenant, tag, posts: presentPage(page), meta })
  }

  async feed({ request, response, params, tenant }: HttpContext) {
    const tag = await this.#tag(tenant!, params.slug)
    const posts = await latestPublished(tenant!, blogConfig.feedEntries, tag.slug)
    response.header('content-type', 'application/atom+xml; charset=utf-8')
    return atomFeed(tenant!, blogOrigin(request, tenant!), posts, {
      title: `${tenant!.name}: ${tag.name}`,
      home: `/tags/${tag.slug}`,
      self: `/tags/${tag.slug}/feed.xml`,
    })
  }

  async #tag(tenant: NonNullable<HttpContext['tenant']>, slug: string) {
    const name = await publishedTagName(tenant, slug)
    if (!name) throw new Exception('No posts carry this tag', { status: 404, code: 'E_ROW_NOT_FOUND' })
    return { name, slug }
  }
}
