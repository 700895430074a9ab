import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

export const appKey = new Secret(env.get('APP_KEY'))

/*
 * Which proxies may set X-Forwarded-* headers (addresses or CIDR ranges, comma-separated).
 * Nothing is trusted unless configured: otherwise any local client could pick a tenant
 * through X-Forwarded-Host.
 */
function trustedProxies(): (address: string, hop: number) => boolean {
  const list = (env.get('TRUSTED_PROXIES') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (list.length === 0) return () => false
  return proxyAddr.compile(list)
}

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: true,
  useAsyncLocalStorage: false,
  trustProxy: trustedProxies(),
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
