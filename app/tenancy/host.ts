import { InvalidDomainError } from '#tenancy/errors'

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/*
 * Canonical form of a request host for lookups: lower case, no port, no trailing dot.
 * Returns null for anything that cannot be a domain we serve (IP literals, empty,
 * over-long or non-ASCII names): such hosts never reach the database.
 */
export function normalizeHost(raw: string | null | undefined): string | null {
  if (!raw) return null
  let host = raw.trim().toLowerCase()
  if (host.startsWith('[')) return null
  const colon = host.lastIndexOf(':')
  if (colon !== -1) host = host.slice(0, colon)
  if (host.endsWith('.')) host = host.slice(0, -1)
  return isValidDomain(host) ? host : null
}

export function isValidDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false
  const labels = domain.split('.')
  if (labels.every((label) => /^\d+$/.test(label))) return false
  return labels.every((label) => LABEL.test(label))
}

export function assertValidDomain(domain: unknown): asserts domain is string {
  if (typeof domain !== 'string' || !isValidDomain(domain)) {
    throw new InvalidDomainError(`Invalid domain ${JSON.stringify(domain)}`)
  }
}

/*
 * The Host header as the router should match it: lower case, no trailing dot, port kept.
 * Without this, `LOCALHOST` or `localhost.` would resolve to the main site here but match
 * the blog routes in the router.
 */
export function canonicalHostHeader(value: string) {
  const host = value.trim().toLowerCase()
  if (host.startsWith('[')) return host
  const match = host.match(/^(.*?)(:\d*)?$/)
  return match ? `${match[1].replace(/\.+$/, '')}${match[2] ?? ''}` : host
}

/*
 * RFC 9112 §3.2: a request with more than one Host header is invalid; a proxy in front may
 * have read a different one than Node (which keeps the first).
 */
export function hasDuplicateHost(rawHeaders: string[]) {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === 4 && rawHeaders[i].toLowerCase() === 'host') count++
  }
  return count > 1
}
