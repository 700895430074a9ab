import type { Request } from '@adonisjs/core/http'

/*
 * Absolute URLs across hosts (blog ↔ main site) keep the request's scheme and port, so
 * they work the same on localhost:3333 and behind a proxy on 443.
 */
export function absoluteUrl(request: Request, domain: string, path = '/') {
  const port = (request.host() ?? '').match(/:(\d+)$/)
  return `${request.protocol()}://${domain}${port ? `:${port[1]}` : ''}${path}`
}

/*
 * A `next` target taken from the query string may only point into this host: a path,
 * never `//evil.example` or `/\evil.example`, which browsers read as other hosts.
 */
export function localPath(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/')) return null
  if (value.startsWith('//') || value.startsWith('/\\')) return null
  return value
}
