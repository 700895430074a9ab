import { timingSafeEqual } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import env from '#start/env'
import { readiness } from '#services/readiness'

const started = Date.now()
const metricsToken = env.get('METRICS_TOKEN')

/*
 * The operator's endpoints, on every host and before the host is resolved, so a load
 * balancer or Prometheus can ask any address and a database outage cannot fail the
 * liveness check: /healthz (the process answers; no database), /readyz
 * (#services/readiness) and, when METRICS_TOKEN is set, /metrics for a client that sends
 * it as a bearer token. Never cached.
 */
export default class OperationsMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, response } = ctx
    const method = request.method()
    if (method !== 'GET' && method !== 'HEAD') return next()
    const path = request.url()
    if (path !== '/healthz' && path !== '/readyz' && !(path === '/metrics' && metricsToken)) return next()

    response.header('Cache-Control', 'no-store')
    if (path === '/healthz') {
      return response.status(200).json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) })
    }
    if (path === '/readyz') {
      const result = await readiness()
      return response.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', ...result })
    }
    if (!bearerMatches(request.header('authorization'), metricsToken!)) {
      response.header('WWW-Authenticate', 'Bearer realm="metrics"')
      return response.status(401).json({ error: 'A bearer token (METRICS_TOKEN) is required' })
    }
    const { METRICS_CONTENT_TYPE, metricsText } = await import('#services/metrics')
    response.header('Content-Type', METRICS_CONTENT_TYPE)
    response.status(200).send(await metricsText())
  }
}

function bearerMatches(header: string | undefined, token: string) {
  const sent = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '')
  const expected = Buffer.from(token)
  return sent.length === expected.length && timingSafeEqual(sent, expected)
}
