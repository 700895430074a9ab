import env from '#start/env'
import Post from '#models/post'

export const POSTS_PER_PAGE = env.get('BLOG_POSTS_PER_PAGE', 10)
export const FEED_SIZE = 20
export const SITEMAP_LIMIT = 50_000

/*
 * Reads for a blog's pages. They run on the bound tenant scope; with none bound the Post
 * model throws.
 */
export interface PublishedPage {
  posts: Post[]
  page: number
  hasMore: boolean
}

/*
 * One statement per page: the author joined in (as `$extras.author_username`) and one row
 * past the page to know whether an older page exists, instead of a count and a preload.
 */
export async function publishedPage(page: number, perPage = POSTS_PER_PAGE): Promise<PublishedPage> {
  const rows = await Post.query()
    .join('public.users as author', 'author.id', 'posts.author_id')
    .select('posts.*', 'author.username as author_username')
    .where('posts.is_published', true)
    .orderBy('posts.published_at', 'desc')
    .orderBy('posts.id', 'desc')
    .offset((page - 1) * perPage)
    .limit(perPage + 1)
  return { posts: rows.slice(0, perPage), page, hasMore: rows.length > perPage }
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
