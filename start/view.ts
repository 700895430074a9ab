import edge from 'edge.js'
import type { Request } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'

/*
 * Absolute URLs across hosts (blog ↔ main site): same scheme and port as the request.
 */
function portOf(request: Request) {
  const host = request.host() ?? ''
  const match = host.match(/:(\d+)$/)
  return match ? `:${match[1]}` : ''
}

export function hostUrl(request: Request, domain: string, path = '/') {
  return `${request.protocol()}://${domain}${portOf(request)}${path}`
}

edge.global('mainSiteUrl', (request: Request, path = '/') =>
  hostUrl(request, tenancyConfig.appDomain, path)
)
edge.global('hostUrl', hostUrl)
