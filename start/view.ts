import edge from 'edge.js'
import router from '@adonisjs/core/services/router'
import type { Request } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'
import { absoluteUrl } from '#services/urls'

edge.global('hostUrl', absoluteUrl)
edge.global('mainSiteUrl', (request: Request, path = '/') =>
  absoluteUrl(request, tenancyConfig.appDomain, path)
)

/*
 * Main-site routes live in the APP_DOMAIN router group; their names only resolve there.
 */
edge.global('mainRoute', (name: string, params?: Record<string, any>) =>
  router.makeUrl(name, params, { domain: tenancyConfig.appDomain })
)
