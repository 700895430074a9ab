import { DateTime } from 'luxon'
import env from '#start/env'
import Post from '#models/post'
import { scopedClient } from '#tenancy/tenant_scope'

export const POSTS_PER_PAGE = env.get('BLOG_POSTS_PER_PAGE', 10)
export const FEED_SIZE = 20
export const SITEMAP_LIMIT = 50_000

/*
 * Reads for a blog's pages. They run on the bound tenant scope; with none bound the Post
 * model throws.
 */
export interface PostSummary {
  id: number
  title: string
  slug: string
  content: string
  author: string
  publishedAt: DateTime
  updatedAt: DateTime
}

export interface PublishedPage {
  posts: PostSummary[]
  page: number
  hasMore: boolean
}

/*
 * The blog index is the hottest page: one hand-written statement (author joined in, one
 * row past the page to know whether an older page exists) on the request's tenant scope,
 * and plain rows instead of models.
 */
const PUBLISHED_PAGE_SQL = `
  select p.id, p.title, p.slug, p.content, p.published_at, p.created_at, p.updated_at,
         u.username as author
    from posts p
    join public.users u on u.id = p.author_id
   where p.is_published
   order by p.published_at desc, p.id desc
   limit ? offset ?`

export async function publishedPage(page: number, perPage = POSTS_PER_PAGE): Promise<PublishedPage> {
  const { rows } = await scopedClient().rawQuery(PUBLISHED_PAGE_SQL, [perPage + 1, (page - 1) * perPage])
  const posts = rows.slice(0, perPage).map((row: any) => ({
    id: row.id,
    title: row.title,
    slug: row.slug,
    content: row.content,
    author: row.author,
    publishedAt: DateTime.fromJSDate(row.published_at ?? row.created_at),
    updatedAt: DateTime.fromJSDate(row.updated_at ?? row.created_at),
  }))
  return { posts, page, hasMore: rows.length > perPage }
}

/*
 * Drafts are only found for readers allowed to see them (the blog's owner). The author's
 * name comes joined in as `$extras.author_username`.
 */
export function postBySlug(slug: string, includeDrafts: boolean) {
  const query = Post.query()
    .join('public.users as author', 'author.id', 'posts.author_id')
    .select('posts.*', 'author.username as author_username')
    .where('posts.slug', slug)
  if (!includeDrafts) query.where('posts.is_published', true)
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
