import Post from '#models/post'

export const POSTS_PER_PAGE = 10

/*
 * Reads for a blog's public pages. They run on the bound tenant scope; with none bound
 * the Post model throws.
 */
export function publishedPage(page: number, perPage = POSTS_PER_PAGE) {
  return Post.query()
    .where('is_published', true)
    .preload('author')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .paginate(page, perPage)
}

export function publishedPostBySlug(slug: string) {
  return Post.query()
    .where('slug', slug)
    .where('is_published', true)
    .preload('author')
    .firstOrFail()
}
