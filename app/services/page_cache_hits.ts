import type { IncomingMessage, ServerResponse } from 'node:http'
import usageMeter from '#services/usage_meter'
import { transportSecurity, trustedProxy } from '#config/app'
import cacheConfig from '#config/cache'
import pageCache from '#services/page_cache'
import { publicPageKey } from '#services/public_pages'
import { hasSessionCookie } from '#services/visitors'
import tenancy from '#tenancy/service'
import { hasDuplicateHost, normalizeHost } from '#tenancy/host'

/*
 * Answers a request from the page cache before the framework builds a context for it:
 * no routing, body parsing, session or tenant scope, only the host lookup (already
 * cached), the validator check and the stored bytes. Anything it is not sure of (a host
 * not looked up yet, a session, a page not stored) goes on to AdonisJS, where the page
 * cache middleware gives the same answer or renders the page. This is the hot path (tens
 * of thousands of requests a second): a hit gets no request id and logs nothing; it is
 * counted (pageCache.stats.hits, echoblogs_page_cache_hits_total) and nothing else.
 */
export function servePageCacheHit(request: IncomingMessage, response: ServerResponse): boolean {
  const { method, headers } = request
  if ((method !== 'GET' && method !== 'HEAD') || !cacheConfig.pages.enabled) return false
  if (headers.authorization || hasSessionCookie(headers.cookie) || hasDuplicateHost(request.rawHeaders)) return false

  const remote = request.socket.remoteAddress ?? ''
  const proxied = trustedProxy(remote, 0)
  const requestedHost = firstValue(proxied && headers['x-forwarded-host']) ?? headers.host
  const host = normalizeHost(requestedHost)
  if (!host || tenancy.isMainHost(host)) return false
  const tenant = tenancy.resolver.peek(host)
  // Another domain of the blog is answered with a redirect to its primary, by the framework.
  if (!tenant || (tenant.primaryDomain !== null && tenant.primaryDomain !== host)) return false

  const secure =
    (request.socket as { encrypted?: boolean }).encrypted === true ||
    (proxied && firstValue(headers['x-forwarded-proto'])?.toLowerCase() === 'https')
  const url = request.url ?? '/'
  const mark = url.indexOf('?')
  const path = mark === -1 ? url : url.slice(0, mark)
  const key = publicPageKey(secure, requestedHost, path, mark === -1 ? null : new URLSearchParams(url.slice(mark + 1)))
  const page = pageCache.get(tenant.id, key)
  if (!page) return false

  pageCache.stats.hits++
  const answer = pageCache.respond(tenant.id, key, page, {
    acceptEncoding: headers['accept-encoding'],
    ifNoneMatch: headers['if-none-match'],
    ifModifiedSince: headers['if-modified-since'],
  })
  const head = secure && transportSecurity.hstsHeader
    ? [...answer.head, 'strict-transport-security', transportSecurity.hstsHeader]
    : answer.head
  response.writeHead(answer.status, head)
  if (answer.body) response.end(answer.body)
  else response.end()
  usageMeter.count(tenant.id, answer.body?.length ?? 0, true)
  return true
}

function firstValue(value: string | string[] | undefined | false) {
  if (!value) return undefined
  return (Array.isArray(value) ? value[0] : value).split(',')[0].trim()
}
