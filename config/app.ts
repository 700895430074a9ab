import env from '#start/env'
import { Secret } from '@adonisjs/core/helpers'
import string from '@adonisjs/core/helpers/string'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

export const appKey = new Secret(env.get('APP_KEY'))

/*
 * Which proxies may set X-Forwarded-* headers (addresses or CIDR ranges, comma-separated).
 * Nothing is trusted unless configured: otherwise any local client could pick a tenant
 * through X-Forwarded-Host.
 */
export const trustedProxy = trustedProxies()

function trustedProxies(): (address: string, hop: number) => boolean {
  const list = (env.get('TRUSTED_PROXIES') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (list.length === 0) return () => false
  return proxyAddr.compile(list)
}

/*
 * Node's socket timeouts, so that a client that sends its headers or body slowly (or keeps
 * an idle connection) is cut off instead of holding a socket for Node's default 5 minutes.
 * Bodies are read in full before a request takes a database connection (start/kernel.ts),
 * so these bound sockets and memory, never pooled connections.
 */
export const socketTimeouts = {
  headersTimeout: env.get('HTTP_HEADERS_TIMEOUT_MS', 10_000),
  requestTimeout: env.get('HTTP_REQUEST_TIMEOUT_MS', 30_000),
  keepAliveTimeout: env.get('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000),
}

/*
 * Secure cookies and HSTS follow the request's protocol (X-Forwarded-Proto counts only from
 * TRUSTED_PROXIES): a site served over plain http must not get cookies its browsers drop.
 * COOKIE_SECURE=true forces Secure cookies (a TLS proxy that does not say so), false never
 * sets them. HSTS goes only with https responses; HSTS_MAX_AGE=0 turns it off.
 */
const hstsSeconds = string.seconds.parse(env.get('HSTS_MAX_AGE', '180 days'))
export const transportSecurity = {
  cookieSecure: env.get('COOKIE_SECURE', 'auto'),
  hstsHeader: hstsSeconds > 0 ? `max-age=${hstsSeconds}` : null,
}

/*
 * Sent with every response: scripts, styles and frames only from this site, no framing by
 * others, no content sniffing. They are fixed, so they are written once, here.
 */
export const securityHeaders = {
  'Content-Security-Policy':
    "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data: https:;" +
    "object-src 'none';base-uri 'self';frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
}

export const http = defineConfig({
  ...socketTimeouts,
  /*
   * Every request that reaches the framework has an id, bound to each line it logs and
   * sent back in X-Request-Id: the proxy's X-Request-Id when it is well formed, else a
   * random UUID (#services/request_ids, which replaces Request#id and so decides this;
   * not the cuid2 AdonisJS would hash for each request). Page-cache hits answered before
   * the framework get none and pay nothing.
   */
  generateRequestId: true,
  allowMethodSpoofing: true,
  useAsyncLocalStorage: false,
  trustProxy: trustedProxy,
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: false,
    sameSite: 'lax',
  },
})
