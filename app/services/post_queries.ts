import { Exception } from '@adonisjs/core/exceptions'
import blogConfig from '#config/blog'
import { routeId } from '#services/route_ids'
import Post from '#models/post'
import tenancy from '#tenancy/service'
import type { TenantRef } from '#tenancy/types'
import { escapeHtml, plainTextExcerpt, plainTextHtml } from '#services/post_rendering'
import type { TagName } from '#services/tag_names'

/*
 * Reads for a blog's pages. Public pages read in one statement each, with no transaction
 * (tenancy.reader names the tenant's tables with their schema); the dashboard runs in the
 * request's tenant scope, where the Post model throws without one. Every read is bounded:
 * a page of posts, a feed's entries, one child sitemap. Dates come formatted by
 * PostgreSQL (ISO 8601, UTC), ready for the page: no Date or DateTime per row.
 */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
const day = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`
/*
 * What readers see: published posts whose time has come. A post scheduled for later is
 * published with a future published_at and appears on its own when that time passes,
 * with no job to run; posts published before scheduling existed may have no time at all.
 */
const visible = (alias = 'p') => `${alias}.is_published and (${alias}.published_at is null or ${alias}.published_at <= now())`
type Qualify = (table: string) => string
const taggedWith = (t: Qualify, slugParam: string) =>
  `exists (select 1 from ${t('post_tags')} pt join ${t('tags')} tg on tg.id = pt.tag_id where pt.post_id = p.id and tg.slug = ${slugParam})`
export interface PostSummary {
  id: number
  title: string
  slug: string
  excerpt: string
  author: string
  publishedAt: string
  publishedOn: string
}

export interface PublishedPage {
  posts: PostSummary[]
  page: number
  hasMore: boolean
}

/*
 * The blog index is the hottest page: one statement (author joined in, one row past the
 * page to know whether an older page exists). The content is read only for posts that
 * have no stored excerpt yet.
 */
export async function publishedPage(
  blog: TenantRef,
  page: number,
  perPage = blogConfig.postsPerPage,
  tagSlug?: string
): Promise<PublishedPage> {
  const rows = await tenancy.reader.query(
    blog,
    (t) => `
      select p.id, p.title, p.slug, p.excerpt, case when p.excerpt is null then p.content end as content,
             ${iso('coalesce(p.published_at, p.created_at)')} as published_at,
             ${day('coalesce(p.published_at, p.created_at)')} as published_on, u.username as author
        from ${t('posts')} p
        join public.users u on u.id = p.author_id
       where ${visible()} ${tagSlug ? `and ${taggedWith(t, '$3')}` : ''}
       order by p.published_at desc, p.id desc
       limit $1 offset $2`,
    tagSlug ? [perPage + 1, (page - 1) * perPage, tagSlug] : [perPage + 1, (page - 1) * perPage]
  )
  const posts = rows.slice(0, perPage).map((row) => ({
    id: row.id,
    title: row.title,
    slug: row.slug,
    excerpt: row.excerpt ?? plainTextExcerpt(row.content),
    author: row.author,
    publishedAt: row.published_at,
    publishedOn: row.published_on,
  }))
  return { posts, page, hasMore: rows.length > perPage }
}

export interface PostPage {
  title: string
  tags: TagName[]
  slug: string
  html: string
  /* Plain text, for the page's meta description. */
  excerpt: string
  author: string
  isPublished: boolean
  /* Published for a time still to come: only its owner sees it yet. */
  scheduled: boolean
  publishedAt: string | null
  publishedOn: string | null
  /* The cover image's key (#services/images) and, when its header gave them, its size. */
  cover: { key: string; width: number | null; height: number | null } | null
}

/*
 * One post with its author, stored HTML and cover image; drafts only for readers allowed to see them
 * (the blog's owner). Null when there is none.
 */
export function postBySlug(blog: TenantRef, slug: string, includeDrafts: boolean): Promise<PostPage | null> {
  return postWhere(blog, `p.slug = $1 and ((${visible()}) or $2)`, [slug, includeDrafts])
}

/*
 * The post a private preview link names, whatever its state (the caller sends readers of
 * a post that is out to its page).
 */
export function postByPreviewToken(blog: TenantRef, token: string): Promise<PostPage | null> {
  return postWhere(blog, 'p.preview_token = $1', [token])
}

async function postWhere(blog: TenantRef, condition: string, values: unknown[]): Promise<PostPage | null> {
  const [row] = await tenancy.reader.query(
    blog,
    (t) => `
      select p.title, p.slug, p.html, p.excerpt,
             case when p.html is null or p.excerpt is null then p.content end as content,
             p.is_published, coalesce(p.published_at > now(), false) as scheduled,
             ${iso('p.published_at')} as published_at, ${day('p.published_at')} as published_on,
             u.username as author, i.key as cover_key, i.width as cover_width, i.height as cover_height,
             (select coalesce(json_agg(json_build_object('name', tg.name, 'slug', tg.slug) order by tg.slug), '[]')
                from ${t('post_tags')} pt join ${t('tags')} tg on tg.id = pt.tag_id where pt.post_id = p.id) as tags
        from ${t('posts')} p
        join public.users u on u.id = p.author_id
        left join ${t('images')} i on i.key = p.cover_image_key
       where ${condition}`,
    values
  )
  if (!row) return null
  return {
    title: row.title,
    tags: row.tags,
    slug: row.slug,
    html: row.html ?? plainTextHtml(row.content),
    excerpt: row.excerpt ?? plainTextExcerpt(row.content),
    author: row.author,
    isPublished: row.is_published,
    scheduled: row.scheduled,
    publishedAt: row.published_at,
    publishedOn: row.published_on,
    cover: row.cover_key ? { key: row.cover_key, width: row.cover_width, height: row.cover_height } : null,
  }
}

export interface FeedEntry {
  title: string
  slug: string
  html: string
  excerpt: string
  author: string
  publishedAt: string
  updatedAt: string
}

/*
 * The newest published posts with their stored HTML; the Markdown is read only for a post
 * that was never rendered, which then shows as plain paragraphs.
 */
export async function latestPublished(blog: TenantRef, limit: number, tagSlug?: string): Promise<FeedEntry[]> {
  const rows = await tenancy.reader.query(
    blog,
    (t) => `
      select p.title, p.slug, p.html, p.excerpt, case when p.html is null then p.content end as content,
             ${iso('coalesce(p.published_at, p.created_at)')} as published_at,
             ${iso('coalesce(p.updated_at, p.published_at, p.created_at)')} as updated_at, u.username as author
        from ${t('posts')} p
        join public.users u on u.id = p.author_id
       where ${visible()} ${tagSlug ? `and ${taggedWith(t, '$2')}` : ''}
       order by p.published_at desc, p.id desc
       limit $1`,
    tagSlug ? [limit, tagSlug] : [limit]
  )
  return rows.map((row) => ({
    title: row.title,
    slug: row.slug,
    html: row.html ?? plainTextHtml(row.content),
    excerpt: row.excerpt ?? plainTextExcerpt(row.content),
    author: row.author,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
  }))
}

/*
 * A tag's name, when published posts carry it: a tag only drafts carry has no page yet.
 */
export async function publishedTagName(blog: TenantRef, slug: string): Promise<string | null> {
  const [row] = await tenancy.reader.query(
    blog,
    (t) => `
      select tg.name from ${t('tags')} tg
       where tg.slug = $1
         and exists (select 1 from ${t('post_tags')} pt join ${t('posts')} p on p.id = pt.post_id
                      where pt.tag_id = tg.id and ${visible()})`,
    [slug]
  )
  return row?.name ?? null
}

export interface SitemapEntry {
  slug: string
  changedOn: string
}

export async function publishedCount(blog: TenantRef): Promise<number> {
  const [row] = await tenancy.reader.query(blog, (t) => `select count(*)::int as count from ${t('posts')} p where ${visible()}`)
  return row.count
}

/*
 * One child sitemap's posts: the n-th run of `size` published posts, oldest first, so a
 * post stays in the same file as newer ones are published.
 */
export async function sitemapEntries(blog: TenantRef, n: number, size: number): Promise<SitemapEntry[]> {
  const rows = await tenancy.reader.query(
    blog,
    (t) => `
      select slug, ${day('coalesce(updated_at, published_at, created_at)')} as changed_on
        from ${t('posts')} p where ${visible()} order by id limit $1 offset $2`,
    [size, (n - 1) * size]
  )
  return rows.map((row) => ({ slug: row.slug, changedOn: row.changed_on }))
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

export function postById(id: unknown) {
  const value = routeId(id)
  if (value === null) throw new Exception('Post not found', { status: 404, code: 'E_ROW_NOT_FOUND' })
  return Post.findOrFail(value)
}

export interface SearchResult {
  title: string
  slug: string
  publishedOn: string
  /* Escaped text with the matched words in <mark>: safe to print as HTML. */
  snippetHtml: string
}

export interface SearchPage {
  results: SearchResult[]
  page: number
  hasMore: boolean
}

/*
 * PostgreSQL marks the matches in the snippet with these; the text around them is escaped
 * before they become <mark> tags, so nothing in a post is ever printed unescaped.
 */
const MARK_START = '\u0002'
const MARK_END = '\u0003'

/*
 * Published posts matching `terms` (websearch syntax: words, "a phrase", -not, or; any
 * input is a valid query), best first. Snippets are cut from the first 20,000 characters
 * of each post shown, so a page of results costs the same whatever the posts' length.
 */
export async function searchPublished(blog: TenantRef, terms: string, page: number, perPage = blogConfig.postsPerPage): Promise<SearchPage> {
  const rows = await tenancy.reader.query(
    blog,
    (t) => `
      with query as (select websearch_to_tsquery('english', $1) as q),
      found as (
        select p.title, p.slug, p.content, p.published_at, ts_rank_cd(p.search, query.q) as rank
          from ${t('posts')} p, query
         where ${visible()} and p.search @@ query.q
         order by rank desc, p.published_at desc, p.id desc
         limit $2 offset $3
      )
      select found.title, found.slug, ${day('found.published_at')} as published_on,
             ts_headline('english', ${markdownAsText('left(found.content, 20000)')}, query.q,
               'StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2') as snippet
        from found, query
       order by found.rank desc, found.published_at desc`,
    [terms, perPage + 1, (page - 1) * perPage]
  )
  const results = rows.slice(0, perPage).map((row) => ({
    title: row.title,
    slug: row.slug,
    publishedOn: row.published_on,
    snippetHtml: markedSnippet(row.snippet),
  }))
  return { results, page, hasMore: rows.length > perPage }
}

/*
 * A snippet reads as text, not Markdown: link targets, emphasis, heading and quote marks
 * go (and the two mark sentinels, should a post contain them). As for the search vector
 * (tenant migration 0004), the parser gets no `<` and no run of over 100 characters
 * without a space, on which it would take quadratic time.
 */
function markdownAsText(source: string) {
  const text = `regexp_replace(translate(${source}, '<', ' '), '(\\S{100})', '\\1 ', 'g')`
  return `regexp_replace(regexp_replace(${text}, '\\]\\([^)]*\\)', ']', 'g'), '[][*\`#>~\\x02\\x03]+', '', 'g')`
}

function markedSnippet(snippet: string) {
  return escapeHtml(snippet).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>')
}

/*
 * When the next scheduled post of the blog appears (ms since the epoch), or null: a page
 * stored now must not outlive that moment.
 */
export async function nextPublication(blog: TenantRef): Promise<number | null> {
  const [row] = await tenancy.reader.query(
    blog,
    (t) => `select min(published_at) as at from ${t('posts')} where is_published and published_at > now()`
  )
  return row.at ? new Date(row.at).getTime() : null
}
