import type { IncomingHttpHeaders } from 'node:http'

/*
 * Asks until the page comes from the cache: a fill is discarded when tenancy news (another
 * test's tenant creation, say) arrives while it renders.
 */
export async function untilCached<T extends { headers: IncomingHttpHeaders }>(
  fetchPage: () => Promise<T>,
  what: string
): Promise<T> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const page = await fetchPage()
    if (page.headers['x-page-cache'] === 'hit') return page
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${what} was never served from the cache`)
}
