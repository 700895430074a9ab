import type Post from '#models/post'
import { excerpt, renderMarkdown } from '#services/markdown'
import type { PublishedPage } from '#services/post_queries'
import { RenderCache, postRenderKey } from '#services/render_cache'

const excerpts = new RenderCache<string>(20_000)
const bodies = new RenderCache<string>(2_000)

/*
 * What a blog's index page shows of each post, and where its pager points.
 */
export function presentPage(result: PublishedPage, schemaName: string) {
  return {
    items: result.posts.map((post) => ({
      title: post.title,
      slug: post.slug,
      author: post.author,
      publishedAt: post.publishedAt,
      excerpt: excerpts.get(postRenderKey(schemaName, post), () => excerpt(post.content)),
    })),
    currentPage: result.page,
    previousPage: result.page > 1 ? result.page - 1 : null,
    nextPage: result.hasMore ? result.page + 1 : null,
  }
}

/*
 * A post's sanitised HTML, rendered once per version of the post.
 */
export function postHtml(post: Post, schemaName: string) {
  return bodies.get(postRenderKey(schemaName, post), () => renderMarkdown(post.content))
}
