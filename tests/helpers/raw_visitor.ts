import { request, type RawResponse } from '#tests/helpers/http'

/*
 * A browser stand-in over raw HTTP, for load tests against any server (in process or a
 * separate process): host-only cookie jars, the CSRF token of the last page per host.
 */
export class RawVisitor {
  #cookies = new Map<string, Map<string, string>>()
  #csrf = new Map<string, string>()

  constructor(private base: string) {}

  async get(host: string, path: string) {
    const response = await this.#send('GET', host, path)
    const token = response.body.match(/name=["']_csrf["'] value=["']([^"']+)["']/)
    if (token) this.#csrf.set(host, token[1])
    return response
  }

  async submit(host: string, path: string, fields: Record<string, string>) {
    if (!this.#csrf.has(host)) await this.get(host, '/login')
    const body = new URLSearchParams({ ...fields, _csrf: this.#csrf.get(host)! }).toString()
    return this.#send('POST', host, path, body)
  }

  async #send(method: string, host: string, path: string, body?: string): Promise<RawResponse> {
    const jar = this.#jar(host)
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await request(this.base, path, {
      method,
      host,
      body,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        referer: `http://${host}/`,
      },
      timeoutMs: 30_000,
    })
    for (const line of [response.headers['set-cookie'] ?? []].flat()) {
      const [pair] = line.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name)
      else jar.set(name, value)
    }
    return response
  }

  #jar(host: string) {
    if (!this.#cookies.has(host)) this.#cookies.set(host, new Map())
    return this.#cookies.get(host)!
  }
}
