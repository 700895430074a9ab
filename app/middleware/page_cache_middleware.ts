import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import cacheConfig from '#config/cache'
import pageCache, { type CachedPage } from '#services/page_cache'
import { HIT_HEADER, PUBLIC_CACHE_CONTROL, PUBLIC_VARY, etagOf, matchesEtag } from '#services/page_delivery'
import { CACHEABLE_ROUTES, publicPageKey } from '#services/public_pages'
import { nextPublication } from '#services/post_queries'
import { hasSessionCookie } from '#services/visitors'

/*
 * Public blog pages are the same for every visitor without a session, so those visitors
 * are served from memory, without a session, a CSRF secret or a database transaction
 * (most hits never get this far: #services/page_cache_hits answers them before the
 * framework runs). Other cookies (analytics, preferences) do not matter. Anyone with a
 * session (a logged-in owner, a visitor with a flash message) gets the page rendered for
 * them. Every public page leaves with a validator and a shared cache policy.
 */
const UNSHARED_HEADERS = new Set([
  'set-cookie',
  'x-request-id',
  'content-length',
  'cache-control',
  'vary',
  'strict-transport-security',
])

export default class PageCacheMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, tenant } = ctx
    const method = request.method()
    if (
      !tenant ||
      (method !== 'GET' && method !== 'HEAD') ||
      hasSessionCookie(request.header('cookie')) ||
      request.header('authorization')
    ) {
      return next()
    }

    const key = publicPageKey(
      request.secure(),
      request.host() ?? undefined,
      request.url(),
      new URLSearchParams(request.parsedUrl.query ?? '')
    )
    if (cacheConfig.pages.enabled) {
      const page = pageCache.get(tenant.id, key)
      if (page) {
        pageCache.stats.hits++
        return send(ctx, tenant.id, key, page, true)
      }
      pageCache.stats.misses++
    }

    const generation = pageCache.generation(tenant.id)
    await next()
    const { response } = ctx
    const body = response.getBody()
    const headers = response.getHeaders()
    if (response.getStatus() !== 200 || typeof body !== 'string' || headers['set-cookie']) return
    if (!CACHEABLE_ROUTES.has(ctx.route?.name ?? '')) return

    // A rendered view gets its content type only when the response is written.
    const shared: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' }
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !UNSHARED_HEADERS.has(name.toLowerCase())) shared[name.toLowerCase()] = String(value)
    }
    const bytes = Buffer.from(body)
    if (cacheConfig.pages.enabled) {
      const stored = pageCache.set(tenant.id, key, generation, shared, bytes, await nextPublication(tenant))
      return send(ctx, tenant.id, key, stored, false)
    }
    validateOnly(ctx, bytes)
  }
}

function send(ctx: HttpContext, tenantId: number, key: string, page: CachedPage, hit: boolean) {
  const { request, response } = ctx
  const answer = pageCache.respond(tenantId, key, page, {
    acceptEncoding: request.header('accept-encoding'),
    ifNoneMatch: request.header('if-none-match'),
    ifModifiedSince: request.header('if-modified-since'),
  })
  for (let i = 0; i < answer.head.length; i += 2) {
    if (hit || answer.head[i] !== HIT_HEADER) response.header(answer.head[i], answer.head[i + 1])
  }
  response.status(answer.status).send(answer.body)
}

/*
 * With the page cache switched off (PAGE_CACHE=off) public pages still carry their shared
 * cache policy and a validator, and a current copy gets a 304.
 */
function validateOnly({ request, response }: HttpContext, body: Buffer) {
  const etag = etagOf(body)
  response.header('Cache-Control', PUBLIC_CACHE_CONTROL)
  response.header('Vary', PUBLIC_VARY)
  response.header('ETag', etag)
  const ifNoneMatch = request.header('if-none-match')
  if (ifNoneMatch && matchesEtag(ifNoneMatch, etag)) response.status(304).send(null)
}
