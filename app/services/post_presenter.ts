import type Post from '#models/post'
import type { PublishedPage } from '#services/post_queries'
import { plainTextHtml } from '#services/post_rendering'

/*
 * What a blog's index page shows of each post, and where its pager points.
 */
export function presentPage(result: PublishedPage) {
  return {
    items: result.posts,
    currentPage: result.page,
    previousPage: result.page > 1 ? result.page - 1 : null,
    nextPage: result.hasMore ? result.page + 1 : null,
  }
}

/*
 * A post's stored, sanitised HTML; its text as plain paragraphs if it was never rendered.
 */
export function postHtml(post: Post) {
  return post.html ?? plainTextHtml(post.content)
}
