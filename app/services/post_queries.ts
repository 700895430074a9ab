import { DateTime } from 'luxon'
import blogConfig from '#config/blog'
import Post from '#models/post'
import { scopedClient } from '#tenancy/tenant_scope'
import { plainTextExcerpt, plainTextHtml } from '#services/post_rendering'

/*
 * Reads for a blog's pages. They run on the bound tenant scope; with none bound the Post
 * model throws. Every read is bounded: a page of posts, a feed's entries, one child
 * sitemap.
 */
export interface PostSummary {
  id: number
  title: string
  slug: string
  excerpt: string
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
 * and plain rows instead of models. The content is read only for posts that have no
 * stored excerpt yet.
 */
const PUBLISHED_PAGE_SQL = `
  select p.id, p.title, p.slug, p.excerpt, case when p.excerpt is null then p.content end as content,
         p.published_at, p.created_at, p.updated_at, u.username as author
    from posts p
    join public.users u on u.id = p.author_id
   where p.is_published
   order by p.published_at desc, p.id desc
   limit ? offset ?`

export async function publishedPage(page: number, perPage = blogConfig.postsPerPage): Promise<PublishedPage> {
  const { rows } = await scopedClient().rawQuery(PUBLISHED_PAGE_SQL, [perPage + 1, (page - 1) * perPage])
  const posts = rows.slice(0, perPage).map((row: any) => ({
    id: row.id,
    title: row.title,
    slug: row.slug,
    excerpt: row.excerpt ?? plainTextExcerpt(row.content),
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

export interface FeedEntry {
  title: string
  slug: string
  html: string
  excerpt: string
  author: string
  publishedAt: DateTime
  updatedAt: DateTime
}

/*
 * The newest published posts with their stored HTML; the Markdown is read only for a post
 * that was never rendered, which then shows as plain paragraphs.
 */
export async function latestPublished(limit: number): Promise<FeedEntry[]> {
  const { rows } = await scopedClient().rawQuery(
    `select p.title, p.slug, p.html, p.excerpt, case when p.html is null then p.content end as content,
            p.published_at, p.created_at, p.updated_at, u.username as author
       from posts p
       join public.users u on u.id = p.author_id
      where p.is_published
      order by p.published_at desc, p.id desc
      limit ?`,
    [limit]
  )
  return rows.map((row: any) => ({
    title: row.title,
    slug: row.slug,
    html: row.html ?? plainTextHtml(row.content),
    excerpt: row.excerpt ?? plainTextExcerpt(row.content),
    author: row.author,
    publishedAt: DateTime.fromJSDate(row.published_at ?? row.created_at),
    updatedAt: DateTime.fromJSDate(row.updated_at ?? row.published_at ?? row.created_at),
  }))
}

export interface SitemapEntry {
  slug: string
  changedAt: Date
}

export async function publishedCount(): Promise<number> {
  const { rows } = await scopedClient().rawQuery('select count(*)::int as count from posts where is_published')
  return rows[0].count
}

/*
 * One child sitemap's posts: the n-th run of `size` published posts, oldest first, so a
 * post stays in the same file as newer ones are published.
 */
export async function sitemapEntries(n: number, size: number): Promise<SitemapEntry[]> {
  const { rows } = await scopedClient().rawQuery(
    `select slug, coalesce(updated_at, published_at, created_at) as changed_at
       from posts where is_published order by id limit ? offset ?`,
    [size, (n - 1) * size]
  )
  return rows.map((row: any) => ({ slug: row.slug, changedAt: row.changed_at }))
}

/*
 * The dashboard's list, a page at a time: drafts first, then the newest.
 */
export async function dashboardPage(page: number, perPage = blogConfig.dashboardPostsPerPage) {
  const posts = await Post.query()
    .select('id', 'title', 'slug', 'is_published', 'published_at', 'created_at', 'updated_at')
    .orderByRaw('published_at desc nulls first')
    .orderBy('id', 'desc')
    .limit(perPage + 1)
    .offset((page - 1) * perPage)
  return { posts: posts.slice(0, perPage), page, hasMore: posts.length > perPage }
}

export function postById(id: number) {
  return Post.findOrFail(id)
}
