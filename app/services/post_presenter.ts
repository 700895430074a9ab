import type { PublishedPage } from '#services/post_queries'

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
