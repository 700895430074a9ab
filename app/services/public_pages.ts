/*
 * The public pages of a blog, as the page cache and the controllers both see them. A page
 * is identified by its path and the one parameter public pages read (`page` on the home
 * page and tag pages); any other query string names the same page, so it cannot make the server render
 * a page again.
 */
export const CACHEABLE_ROUTES = new Set([
  'blog.home',
  'blog.posts.show',
  'blog.feed',
  'blog.sitemap',
  'blog.sitemap.posts',
  'blog.tags.show',
  'blog.tags.feed',
])

/* The pages that take `?page=`: the home page and a tag's page. */
const PAGED_PATH = /^\/(?:tags\/[^/]+)?$/

const MAX_PAGE = 100_000

/*
 * `?page=` as a page number: anything that is not a whole number from 1 on is page 1.
 */
export function pageNumber(raw: unknown): number {
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1
  return value >= 1 && value <= MAX_PAGE ? value : 1
}

/*
 * The cache key of a public page: scheme and port of the Host it was asked for (pages
 * carry absolute links, see #services/urls), path, and the page number where the path is
 * paged. A repeated `page` is page 1, as the controllers read it (the query parser makes
 * it a list), so no address stores one page under another's key.
 */
export function publicPageKey(secure: boolean, host: string | undefined, path: string, query: URLSearchParams | null) {
  const port = host?.match(/:(\d+)$/)?.[1]
  const origin = `${secure ? 'https' : 'http'}${port ? `:${port}` : ''}`
  if (!PAGED_PATH.test(path)) return `${origin} ${path}`
  const pages = query?.getAll('page') ?? []
  const page = pageNumber(pages.length === 1 ? pages[0] : undefined)
  return page > 1 ? `${origin} ${path}?page=${page}` : `${origin} ${path}`
}
