import http from 'node:http'

export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  ms: number
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

/*
 * A plain HTTP request with an explicit Host header (fetch does not let one set it), for
 * tests that talk to a server process rather than the in-process test server.
 */
export function request(
  base: string,
  path: string,
  options: { method?: string; host: string; headers?: Record<string, string>; body?: string; timeoutMs?: number }
): Promise<RawResponse> {
  const started = performance.now()
  const url = new URL(path, base)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'GET',
        headers: { ...options.headers, host: options.host },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started })
        )
        res.on('error', reject)
      }
    )
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs ?? 10_000} ms`)))
    req.on('error', reject)
    req.end(options.body)
  })
}
