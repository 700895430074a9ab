import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Feature } from '#services/plan_catalog'
import { FeatureUnavailable, hasFeature } from '#services/plans'

/*
 * A blog's page that exists only with a feature of its plan (`.use(middleware.feature({
 * name: 'feed' }))`): without it the page is a 404 that says why.
 */
export default class FeatureMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { name: Feature }) {
    if (ctx.tenant && !hasFeature(ctx.tenant, options.name)) {
      throw new FeatureUnavailable(ctx.tenant, options.name, 404)
    }
    return next()
  }
}
