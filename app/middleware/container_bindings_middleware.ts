import { Logger } from '@adonisjs/core/logger'
import { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import type { NextFn } from '@adonisjs/core/types/http'

/*
 * The first server middleware: binds the context for the container, and settles which
 * host the request is for before anything reads it.
 *   - More than one Host header is refused (400, RFC 9112 §3.2): a proxy in front may have
 *     read a different one than we would.
 *   - The Host header is put in canonical form (lower case, no trailing dot, port kept), so
 *     the router's domain matching sees the same host as the tenant resolver does
 *     (`LOCALHOST` and `localhost.` are the main site, not a blog route without a blog).
 */
export default class ContainerBindingsMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    ctx.containerResolver.bindValue(HttpContext, ctx)
    ctx.containerResolver.bindValue(Logger, ctx.logger)

    const incoming = ctx.request.request
    const hostHeaders = incoming.rawHeaders.filter((_, i) => i % 2 === 0 && /^host$/i.test(incoming.rawHeaders[i]))
    if (hostHeaders.length > 1) {
      throw new Exception('More than one Host header', { status: 400, code: 'E_DUPLICATE_HOST' })
    }
    for (const name of ['host', 'x-forwarded-host'] as const) {
      const value = incoming.headers[name]
      if (typeof value === 'string') incoming.headers[name] = canonicalHost(value)
    }
    return next()
  }
}

function canonicalHost(value: string) {
  const host = value.trim().toLowerCase()
  const match = host.match(/^(.*?)(:\d*)?$/)
  if (!match || host.startsWith('[')) return host
  return `${match[1].replace(/\.+$/, '')}${match[2] ?? ''}`
}
