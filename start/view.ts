import edge from 'edge.js'
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import type { Request } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'
import { absoluteUrl } from '#services/urls'
import { assetUrl } from '#services/assets'
import { hasFeature } from '#services/plans'
import { pageTheme } from '#services/themes'

edge.global('hostUrl', absoluteUrl)
edge.global('asset', assetUrl)
edge.global('hasFeature', hasFeature)
edge.global('pageTheme', pageTheme)
edge.global('mainSiteUrl', (request: Request, path = '/') =>
  absoluteUrl(request, tenancyConfig.appDomain, path)
)

/*
 * Main-site routes live in the APP_DOMAIN router group; their names only resolve there.
 */
edge.global('mainRoute', (name: string, params?: Record<string, any>) =>
  router.makeUrl(name, params, { domain: tenancyConfig.appDomain })
)

/*
 * edge.js decides at construction, before the provider turns its cache on, to rescan the
 * components directory on every render (a readdirSync per page). Templates do not change
 * in production, so the listing is read once.
 */
if (app.inProduction) {
  const listComponents = edge.loader.listComponents.bind(edge.loader)
  let components: ReturnType<typeof listComponents> | undefined
  edge.loader.listComponents = () => (components ??= listComponents())
}
