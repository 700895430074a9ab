/*
 * The public pages of a blog, as the page cache and the controllers both see them. A page
 * is identified by its path and the one parameter public pages read (`page` on the home
 * page); any other query string names the same page, so it cannot make the server render
 * a page again.
 */
export const CACHEABLE_ROUTES = new Set([
  'blog.home',
  'blog.posts.show',
  'blog.feed',
  'blog.sitemap',
  'blog.sitemap.posts',
])

const MAX_PAGE = 100_000

/*
 * `?page=` as a page number: anything that is not a whole number from 1 on is page 1.
 */
export function pageNumber(raw: unknown): number {
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1
  return value >= 1 && value <= MAX_PAGE ? value : 1
}

/*
 * The cache key of a public page: scheme (pages carry absolute links), path, and the
 * page number where the path is paged.
 */
export function publicPageKey(secure: boolean, path: string, query: URLSearchParams | null) {
  const scheme = secure ? 'https' : 'http'
  if (path !== '/') return `${scheme} ${path}`
  const page = pageNumber(query?.get('page') ?? undefined)
  return page > 1 ? `${scheme} /?page=${page}` : `${scheme} /`
}
