import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import pageCache from '#services/page_cache'

/*
 * Public blog pages are the same for every visitor without a session, so those visitors
 * are served from memory, without a session, a CSRF secret or a database transaction.
 * Anyone with a cookie (a logged-in owner, a visitor with a flash message) gets the page
 * rendered for them.
 */
const CACHEABLE_ROUTES = new Set(['blog.home', 'blog.posts.show', 'blog.feed', 'blog.sitemap'])
const UNSHARED_HEADERS = new Set(['set-cookie', 'x-request-id', 'content-length'])

export default class PageCacheMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, response, tenant } = ctx
    if (!tenant || request.method() !== 'GET' || request.header('cookie') || request.header('authorization')) {
      return next()
    }

    const url = request.url(true)
    const page = pageCache.get(tenant.id, url)
    if (page) {
      for (const [name, value] of Object.entries(page.headers)) response.header(name, value)
      response.header('x-page-cache', 'hit')
      response.status(page.status).send(page.body)
      return
    }

    const generation = pageCache.generation(tenant.id)
    await next()
    const body = response.getBody()
    if (response.getStatus() !== 200 || typeof body !== 'string') return
    if (!CACHEABLE_ROUTES.has(ctx.route?.name ?? '')) return
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(response.getHeaders())) {
      if (value !== undefined && !UNSHARED_HEADERS.has(name.toLowerCase())) {
        headers[name] = Array.isArray(value) ? value.map(String) : String(value)
      }
    }
    pageCache.set(tenant.id, url, generation, { status: 200, headers, body })
  }
}
