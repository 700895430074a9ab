import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import pageCache from '#services/page_cache'
import { CACHEABLE_ROUTES, publicPageKey } from '#services/public_pages'
import { hasSessionCookie } from '#services/visitors'

/*
 * Public blog pages are the same for every visitor without a session, so those visitors
 * are served from memory, without a session, a CSRF secret or a database transaction.
 * Other cookies (analytics, preferences) do not matter. Anyone with a session (a
 * logged-in owner, a visitor with a flash message) gets the page rendered for them.
 */
const UNSHARED_HEADERS = new Set(['set-cookie', 'x-request-id', 'content-length'])

export default class PageCacheMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, response, tenant } = ctx
    if (!tenant || request.method() !== 'GET' || hasSessionCookie(request.header('cookie')) || request.header('authorization')) {
      return next()
    }

    const key = publicPageKey(request.secure(), request.url(), new URLSearchParams(request.parsedUrl.query ?? ''))
    const page = pageCache.get(tenant.id, key)
    if (page) {
      for (const [name, value] of Object.entries(page.headers)) response.header(name, value)
      response.header('x-page-cache', 'hit')
      response.status(page.status).send(page.body)
      return
    }

    const generation = pageCache.generation(tenant.id)
    await next()
    const body = response.getBody()
    const headers = response.getHeaders()
    if (response.getStatus() !== 200 || typeof body !== 'string' || headers['set-cookie']) return
    if (!CACHEABLE_ROUTES.has(ctx.route?.name ?? '')) return
    // A rendered view gets its content type only when the response is written.
    const shared: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8' }
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !UNSHARED_HEADERS.has(name.toLowerCase())) {
        shared[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value)
      }
    }
    pageCache.set(tenant.id, key, generation, { status: 200, headers: shared, body: Buffer.from(body) })
  }
}
