import type { ApiClient, ApiResponse } from '@japa/api-client'
import { storeCookies } from '#tests/helpers/browser'

/*
 * A browser stand-in for functional tests: one cookie jar per host (session cookies are
 * host-only), the CSRF token and address (Referer) of the last page seen on each host, and no automatic
 * redirects, since a redirect to <blog>.localhost would not resolve from the test process.
 * It works whatever the session store, unlike the api-client's withSession()/loginAs(),
 * which write to the memory store only.
 */
export class Visitor {
  #cookies = new Map<string, Map<string, string>>()
  #csrf = new Map<string, string>()
  #lastPage = new Map<string, string>()

  constructor(private client: ApiClient) {}

  async get(host: string, path: string) {
    const response = await this.#send('get', host, path)
    const token = response.text().match(/name=["']_csrf["'] value=["']([^"']+)["']/)
    if (token) this.#csrf.set(host, token[1])
    this.#lastPage.set(host, path)
    return response
  }

  /*
   * Submits a form the way the site's own forms do: POST, `_method` in the query string,
   * and the CSRF token from the last page fetched on that host (unless `csrf` is false).
   */
  async submit(
    host: string,
    path: string,
    fields: Record<string, string | undefined>,
    { method = 'POST', csrf = true }: { method?: string; csrf?: boolean } = {}
  ) {
    if (csrf && !this.#csrf.has(host)) await this.get(host, '/')
    const target = method === 'POST' ? path : `${path}${path.includes('?') ? '&' : '?'}_method=${method}`
    const body: Record<string, string> = {}
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) body[key] = value
    if (csrf) body._csrf = this.#csrf.get(host)!
    return this.#send('post', host, target, body)
  }

  /*
   * Follows a redirect that stays on `host`, or crosses to another host (the hand-off),
   * as a browser would.
   */
  async follow(response: ApiResponse, host: string) {
    const location = response.header('location')
    if (!location) throw new Error(`Expected a redirect, got ${response.status()}`)
    const url = new URL(location, `http://${host}`)
    return this.get(url.host, `${url.pathname}${url.search}`)
  }

  async #send(method: 'get' | 'post', host: string, path: string, body?: Record<string, string>) {
    const request = this.client[method](path).header('host', host).redirects(0)
    const referer = this.#lastPage.get(host)
    if (referer) request.header('referer', `http://${host}${referer}`)
    if (body) request.form(body)
    const jar = this.#jarOf(host)
    request.setup(() => {
      for (const [name, value] of jar) request.cookiesJar[name] = { name, value }
    })
    const response = await request
    this.#store(jar, response)
    return response
  }

  #jarOf(host: string) {
    const key = host.replace(/:\d+$/, '').toLowerCase()
    if (!this.#cookies.has(key)) this.#cookies.set(key, new Map())
    return this.#cookies.get(key)!
  }

  #store(jar: Map<string, string>, response: ApiResponse) {
    const header = response.headers()['set-cookie'] as string[] | string | undefined
    // The api-client URL-encodes cookie values when it sends them: keep them decoded.
    storeCookies(jar, [header ?? []].flat(), true)
  }
}

let counter = 0

/*
 * Usernames that fit the sign-up rules (at most 30 characters) and never collide.
 */
export function uniqueUsername(prefix: string) {
  counter++
  return `${prefix}_${(process.pid % 10_000).toString(36)}${counter}`
}

export const PASSWORD = 'correct horse battery'

export function signupFields(username: string, overrides: Record<string, string> = {}) {
  return {
    username,
    email: `${username}@example.test`,
    password: PASSWORD,
    password_confirmation: PASSWORD,
    blog_title: `The ${username} blog`,
    ...overrides,
  }
}

/*
 * Signs up through the main site and follows the hand-off, ending logged in on the new
 * blog's host. Returns that host and the dashboard response.
 */
export async function signUpAndLand(visitor: Visitor, username: string, mainHost = 'localhost') {
  await visitor.get(mainHost, '/signup')
  const created = await visitor.submit(mainHost, '/signup', signupFields(username))
  if (created.status() !== 302) throw new Error(`sign-up failed: ${created.status()}`)
  const handoff = await visitor.follow(created, mainHost)
  const host = `${username.replaceAll('_', '-')}.localhost`
  const dashboard = await visitor.follow(handoff, host)
  return { host, created, handoff, dashboard }
}

/*
 * Logs in through a blog host's own login form.
 */
export async function logInOn(visitor: Visitor, host: string, uid: string, password = BLOG_PASSWORD) {
  await visitor.get(host, '/login')
  return visitor.submit(host, '/login', { uid, password })
}

/*
 * The password of users made by #tests/helpers/tenants.
 */
export const BLOG_PASSWORD = 'secret-password'
