import Post from '#models/post'

export const POSTS_PER_PAGE = 10
export const FEED_SIZE = 20
export const SITEMAP_LIMIT = 50_000

/*
 * Reads for a blog's pages. They run on the bound tenant scope; with none bound the Post
 * model throws.
 */
export function publishedPage(page: number, perPage = POSTS_PER_PAGE) {
  return Post.query()
    .where('is_published', true)
    .preload('author')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .paginate(page, perPage)
}

/*
 * Drafts are only found for readers allowed to see them (the blog's owner).
 */
export function postBySlug(slug: string, includeDrafts: boolean) {
  const query = Post.query().where('slug', slug).preload('author')
  if (!includeDrafts) query.where('is_published', true)
  return query.firstOrFail()
}

export function latestPublished(limit: number) {
  return Post.query()
    .where('is_published', true)
    .preload('author')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
}

export function allPostsForDashboard() {
  return Post.query().orderByRaw('published_at desc nulls first').orderBy('id', 'desc')
}

export function postById(id: number) {
  return Post.findOrFail(id)
}
