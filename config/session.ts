import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/session'

/*
 * Session cookies are host-only (no Domain attribute): a cookie minted on one blog
 * host is never sent to another. The main site hands a login over to a blog host
 * with a one-time token instead (see app/services/login_handoff.ts).
 *
 * `age` is only what the browser is told; app/middleware/session_middleware.ts enforces
 * the idle and absolute limits on the server, from times kept inside the session.
 * `secure` is decided per request (cookiePolicy in config/app.ts).
 */
export const sessionLimits = {
  idleTimeout: env.get('SESSION_IDLE_TIMEOUT', '2h'),
  absoluteTimeout: env.get('SESSION_ABSOLUTE_TIMEOUT', '30 days'),
}

export const SESSION_COOKIE_NAME = 'echoblogs-session'

export default defineConfig({
  enabled: true,
  cookieName: SESSION_COOKIE_NAME,
  clearWithBrowser: false,
  age: sessionLimits.idleTimeout,
  cookie: {
    path: '/',
    httpOnly: true,
    secure: false,
    sameSite: 'lax',
  },
  store: env.get('SESSION_DRIVER', 'cookie'),
  stores: {
    cookie: stores.cookie(),
  },
})
