import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

/*
 * Session cookies are host-only (no Domain attribute): a cookie minted on one blog
 * host is never sent to another. The main site hands a login over to a blog host
 * with a one-time token instead (see app/services/login_handoff.ts).
 */
export default defineConfig({
  enabled: true,
  cookieName: 'echoblogs-session',
  clearWithBrowser: false,
  age: '2h',
  cookie: {
    path: '/',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
  store: env.get('SESSION_DRIVER', 'cookie'),
  stores: {
    cookie: stores.cookie(),
  },
})
