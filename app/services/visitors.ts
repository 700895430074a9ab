import { SESSION_COOKIE_NAME } from '#config/session'

const SESSION_COOKIE = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE_NAME}=`)

/*
 * Whether a request carries this site's session cookie. Visitors without one are
 * anonymous readers, whatever other cookies they send.
 */
export function hasSessionCookie(cookieHeader: string | undefined | null) {
  return !!cookieHeader && SESSION_COOKIE.test(cookieHeader)
}
