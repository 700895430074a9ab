import type { Request } from '@adonisjs/core/http'
import type { TenantRef } from '#tenancy/types'

/*
 * Absolute URLs across hosts (blog ↔ main site) keep the request's scheme and port, so
 * they work the same on localhost:3333 and behind a proxy on 443.
 */
export function absoluteUrl(request: Request, domain: string, path = '/') {
  const port = (request.host() ?? '').match(/:(\d+)$/)
  return `${request.protocol()}://${domain}${port ? `:${port[1]}` : ''}${path}`
}

/*
 * The origin of a blog's absolute links: canonical URLs, feeds, sitemaps (e.g.
 * http://alice.localhost:3333). Every such link goes through here, so the host a blog is
 * canonically served on is decided in this one place: its primary domain.
 */
export function blogOrigin(request: Request, blog: TenantRef) {
  return absoluteUrl(request, blog.primaryDomain ?? request.hostname()!, '')
}

/*
 * A `next` target taken from the query string may only point into this host: a path,
 * never `//evil.example`, `/\evil.example` or `/<tab>/evil.example`, which browsers read
 * as other hosts (they drop tabs and newlines and treat \ as /). The value is parsed the
 * way a browser would and kept only if it stays on the same origin; what comes back is the
 * parsed, percent-encoded path, safe in a Location header.
 */
const LOCAL_ORIGIN = 'http://local.invalid'

export function localPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048 || !value.startsWith('/')) return null
  if (/[\u0000-\u001f\u007f\\]/.test(value) || value.startsWith('//')) return null
  let url: URL
  try {
    url = new URL(value, LOCAL_ORIGIN)
  } catch {
    return null
  }
  if (url.origin !== LOCAL_ORIGIN) return null
  const path = `${url.pathname}${url.search}${url.hash}`
  return path.startsWith('//') ? null : path
}
