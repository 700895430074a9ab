import type { ModelPaginatorContract } from '@adonisjs/lucid/types/model'
import type Post from '#models/post'
import { excerpt } from '#services/markdown'

/*
 * What a blog's index page shows of each post, and where its pager points.
 */
export function presentPage(page: ModelPaginatorContract<Post>) {
  return {
    items: page.all().map((post) => ({
      title: post.title,
      slug: post.slug,
      author: post.author?.username ?? '',
      publishedAt: post.publishedAt ?? post.createdAt,
      excerpt: excerpt(post.content),
    })),
    currentPage: page.currentPage,
    lastPage: page.lastPage,
    previousPage: page.currentPage > 1 ? Math.min(page.currentPage - 1, page.lastPage) : null,
    nextPage: page.hasMorePages ? page.currentPage + 1 : null,
  }
}
