import { createHash } from 'node:crypto'
import cacheConfig from '#config/cache'
import type { CachedPage } from '#services/page_cache'

/*
 * How a stored public page goes to one visitor: a 304 when their copy is current, else the
 * body in the best encoding they accept of those the cache holds for it. The same answer whether the page is served before
 * the framework runs (#services/page_cache_hits) or by the page cache middleware. Each
 * stored page keeps the response heads it has been sent with, so a hit writes them
 * without building any.
 */
export interface PageRequest {
  acceptEncoding?: string
  ifNoneMatch?: string
  ifModifiedSince?: string
}

export interface Delivery {
  status: 200 | 304
  encoding: 'br' | 'gzip' | null
  /* Response headers as a flat [name, value, name, value, …] list. */
  head: string[]
}

type HeadKind = 'identity' | 'gzip' | 'br' | 'notModified'
export type PageHeads = Partial<Record<HeadKind, string[]>>

const { maxAgeSeconds, sharedMaxAgeSeconds } = cacheConfig.http
export const PUBLIC_CACHE_CONTROL = `public, max-age=${maxAgeSeconds}, s-maxage=${sharedMaxAgeSeconds}`
export const PRIVATE_CACHE_CONTROL = 'private, no-store'

/*
 * Anonymous and logged-in visitors get different pages at one address, and so do clients
 * that accept compression and those that do not.
 */
export const PUBLIC_VARY = 'Accept-Encoding, Cookie'

export const HIT_HEADER = 'x-page-cache'

export function deliver(page: CachedPage, request: PageRequest, brotliKept: boolean): Delivery {
  if (isCurrent(page, request)) return { status: 304, encoding: null, head: headOf(page, 'notModified') }
  const accepted = acceptedEncodings(request.acceptEncoding)
  const encoding = accepted.br && brotliKept ? 'br' : accepted.gzip ? 'gzip' : null
  return { status: 200, encoding, head: headOf(page, encoding ?? 'identity') }
}

/*
 * Each kind of head is built at its first use and kept with the page: most pages only
 * ever go out one or two ways, and 10,000 pages' worth of unused heads would be megabytes.
 */
function headOf(page: CachedPage, kind: HeadKind): string[] {
  const heads = (page.heads ??= {})
  return (heads[kind] ??= buildHead(page, kind))
}

function buildHead(page: CachedPage, kind: HeadKind): string[] {
  const validators = [
    ...Object.entries(page.headers).flat(),
    'cache-control', PUBLIC_CACHE_CONTROL,
    'vary', PUBLIC_VARY,
    'etag', page.etag,
    'last-modified', page.lastModified,
    HIT_HEADER, 'hit',
  ]
  switch (kind) {
    case 'identity':
      return [...validators, 'content-length', String(page.identityLength)]
    case 'gzip':
      return [...validators, 'content-encoding', 'gzip', 'content-length', String(page.gzip.length)]
    case 'br':
      return [...validators, 'content-encoding', 'br', 'content-length', String(page.brLength)]
    case 'notModified':
      return validators
  }
}

/*
 * A strong validator from the page's bytes: the same in every process that renders it.
 */
export function etagOf(body: Buffer) {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`
}

export function matchesEtag(ifNoneMatch: string, etag: string) {
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim()
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag
  })
}

function isCurrent(page: CachedPage, { ifNoneMatch, ifModifiedSince }: PageRequest) {
  if (ifNoneMatch) return matchesEtag(ifNoneMatch, page.etag)
  if (ifModifiedSince) {
    const since = Date.parse(ifModifiedSince)
    return Number.isFinite(since) && Date.parse(page.lastModified) <= since
  }
  return false
}

/*
 * Brotli when accepted, else gzip, else none.
 */
export function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = acceptedEncodings(acceptEncoding)
  return accepted.br ? 'br' : accepted.gzip ? 'gzip' : null
}

/*
 * Which of our codings a client accepts; `;q=0` refuses one, `*` stands for gzip.
 */
export function acceptedEncodings(acceptEncoding: string | undefined) {
  const accepted = { br: false, gzip: false }
  if (!acceptEncoding) return accepted
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param))) continue
    if (name === 'br') accepted.br = true
    if (name === 'gzip' || name === 'x-gzip' || name === '*') accepted.gzip = true
  }
  return accepted
}
