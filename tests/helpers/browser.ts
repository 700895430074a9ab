import http from 'node:http'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

type Jar = Map<string, string>

/*
 * A connection per request: reusing idle keep-alive sockets races with the server closing
 * them (ECONNRESET) under long mixed loads.
 */
const agent = new http.Agent({ keepAlive: false })

/*
 * A browser stand-in over plain node:http, for tests that need what the api client cannot
 * do: an explicit Host per request, a cookie jar per host that a test can copy or plant,
 * a chosen client address (127.0.0.x), and a server that is not the in-process one.
 * Forms carry the CSRF token and Referer of the last page fetched on their host.
 */
export class Browser {
  jars = new Map<string, Jar>()
  csrf = new Map<string, string>()
  lastPage = new Map<string, string>()
  readonly base: URL

  /*
   * A browser with cookies off: every request arrives as a first visit.
   */
  keepCookies = true

  constructor(
    public localAddress = '127.0.0.1',
    base = `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3333'}`
  ) {
    this.base = new URL(base)
  }

  jar(host: string): Jar {
    const key = host.toLowerCase()
    if (!this.jars.has(key)) this.jars.set(key, new Map())
    return this.jars.get(key)!
  }

  async get(host: string, path: string, headers: Record<string, string> = {}) {
    const reply = await this.send('GET', host, path, undefined, headers)
    const token = reply.body.match(/name=["']_csrf["'] value=["']([^"']+)["']/)
    if (token) this.csrf.set(host, token[1])
    this.lastPage.set(host, path)
    return reply
  }

  async post(
    host: string,
    path: string,
    fields: Record<string, string>,
    {
      csrf = true,
      headers = {},
      page = '/login',
    }: { csrf?: boolean; headers?: Record<string, string>; page?: string } = {}
  ) {
    if (csrf && !this.csrf.has(host)) await this.get(host, page)
    const body = new URLSearchParams({ ...fields, ...(csrf ? { _csrf: this.csrf.get(host)! } : {}) })
    return this.send('POST', host, path, body.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...(this.lastPage.has(host) ? { referer: `http://${host}${this.lastPage.get(host)}` } : {}),
      ...headers,
    })
  }

  async login(host: string, uid: string, password: string, headers: Record<string, string> = {}) {
    await this.get(host, '/login')
    return this.post(host, '/login', { uid, password }, { headers })
  }

  send(method: string, host: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
    const jar = this.jar(host)
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    return new Promise<Reply>((resolve, reject) => {
      const request = http.request(
        {
          agent,
          hostname: this.base.hostname,
          port: this.base.port,
          path,
          method,
          localAddress: this.localAddress,
          timeout: 30_000,
          headers: {
            ...headers,
            host,
            ...(cookie ? { cookie } : {}),
            ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk) => (text += chunk))
          response.on('end', () => {
            if (this.keepCookies) storeCookies(jar, response.headers['set-cookie'] ?? [])
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text })
          })
        }
      )
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)))
      request.on('error', reject)
      request.end(body)
    })
  }
}

/*
 * Applies Set-Cookie lines to a jar; `decode` for clients that URL-encode values on send.
 */
export function storeCookies(jar: Map<string, string>, lines: string[], decode = false) {
  for (const line of lines) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim())
    const separator = pair.indexOf('=')
    const name = pair.slice(0, separator)
    const raw = pair.slice(separator + 1)
    const value = decode ? decodeURIComponent(raw) : raw
    const expired = attributes.some(
      (attribute) =>
        /^max-age=0$/i.test(attribute) ||
        (/^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) < Date.now())
    )
    if (expired || value === '') jar.delete(name)
    else jar.set(name, value)
  }
}

/*
 * A blog's owner (made by createBlog, whose password is BLOG_PASSWORD), logged in on the
 * blog and holding the editor's CSRF token.
 */
export async function ownerOf(blog: { domain: string; schemaName: string }) {
  const owner = new Browser()
  const login = await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
  if (login.status !== 302) throw new Error(`login failed: ${login.status}`)
  await owner.get(blog.domain, '/dashboard/posts/new')
  return owner
}

/*
 * A reader who keeps no cookies: every request is a first visit, as the page cache sees it.
 */
export function reader() {
  const browser = new Browser()
  browser.keepCookies = false
  return browser
}
