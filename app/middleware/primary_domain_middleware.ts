import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { normalizeHost } from '#tenancy/host'
import { absoluteUrl } from '#services/urls'

/*
 * What works on every verified domain of a blog: session cookies are host-only, so the
 * dashboard, logging in and out and the main site's hand-off must work where the owner
 * is (the blog's own subdomain always works, whatever the owner's DNS does).
 */
const ON_ANY_DOMAIN = /^\/(?:dashboard(?:\/|$)|login$|logout$|auth\/handoff$)/

/*
 * A blog is read at its primary domain: any other of its verified domains answers every
 * other page with a 301 to the same path and query there. Placed before the page cache,
 * so a cached page never stands in for the redirect. The redirect is not cached by
 * browsers (the default no-store), so choosing another primary takes effect at once.
 */
export default class PrimaryDomainMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const { request, response, tenant } = ctx
    const primary = tenant?.primaryDomain
    if (!primary || normalizeHost(request.hostname()) === primary) return next()
    const url = request.url(true)
    if (ON_ANY_DOMAIN.test(request.url())) return next()
    response.redirect().status(301).toPath(absoluteUrl(request, primary, url))
  }
}
