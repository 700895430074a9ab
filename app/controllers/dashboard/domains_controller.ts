import type { HttpContext } from '@adonisjs/core/http'
import { routeId } from '#services/route_ids'
import { rejectForm, validateForm, type FormState } from '#exceptions/form_rejected'
import BlogPolicy from '#policies/blog_policy'
import {
  DomainRefused,
  claimDomain,
  domainsOf,
  makePrimaryDomain,
  recordNameOf,
  removeDomain,
} from '#services/custom_domains'
import { verifyDomain } from '#services/domain_verification'
import { readOnlyReason } from '#services/billing'
import { featureRefusal } from '#services/plans'
import { DomainNotFoundError } from '#tenancy/errors'
import { domainValidator } from '#validators/domain'

interface Failure {
  id: number
  message: string
}

/*
 * The owner's custom domains (routes guard it: the owner, and for changes a paid-up blog
 * whose plan has custom domains). A refused action shows the page again with the reason
 * beside the domain it concerns; nothing here holds a transaction (the DNS lookup of a
 * verification runs between two short queries).
 */
export default class DomainsController {
  async index(ctx: HttpContext) {
    return this.#page(ctx)
  }

  async store(ctx: HttpContext) {
    const { response, session, tenant } = ctx
    const page = (form: FormState) => this.#page(ctx, { form })
    const { domain } = await validateForm(ctx, domainValidator, page)
    try {
      await claimDomain(tenant!, domain)
    } catch (error) {
      if (!(error instanceof DomainRefused)) throw error
      throw rejectForm(ctx, { domain: [error.message] }, page)
    }
    session.flash('notice', `${domain} added. Create its TXT record ${recordNameOf(domain)}, then press Verify.`)
    return response.redirect().toRoute('blog.dashboard.domains.index')
  }

  async verify(ctx: HttpContext) {
    const id = domainId(ctx)
    return this.#act(ctx, id, async () => {
      const row = await verifyDomain(ctx.tenant!, id)
      return `${row.domain} is verified and leads to this blog; make it primary to have the blog read there.`
    })
  }

  async primary(ctx: HttpContext) {
    const id = domainId(ctx)
    return this.#act(ctx, id, async () => {
      const row = await makePrimaryDomain(ctx.tenant!, id)
      return `${row.domain} is now the primary domain; the blog's other domains redirect to it.`
    })
  }

  async destroy(ctx: HttpContext) {
    const id = domainId(ctx)
    return this.#act(ctx, id, async () => {
      const { removed, promoted } = await removeDomain(ctx.tenant!, id)
      return promoted ? `${removed} removed; ${promoted} is the primary domain again.` : `${removed} removed.`
    })
  }

  async #act(ctx: HttpContext, id: number, action: () => Promise<string>) {
    const { response, session } = ctx
    try {
      session.flash('notice', await action())
    } catch (error) {
      if (!(error instanceof DomainRefused)) throw error
      if (error.retryAfterSeconds) response.header('Retry-After', String(error.retryAfterSeconds))
      return response
        .status(error.retryAfterSeconds ? 429 : 422)
        .send(await this.#page(ctx, { failure: { id, message: error.message } }))
    }
    return response.redirect().toRoute('blog.dashboard.domains.index')
  }

  async #page(ctx: HttpContext, { form, failure }: { form?: FormState; failure?: Failure } = {}) {
    const { view, tenant, bouncer } = ctx
    const allowed = await bouncer.with(BlogPolicy).execute('customDomains', tenant!)
    const domains = await domainsOf(tenant!)
    return view.render('pages/dashboard/domains', {
      blog: tenant,
      domains,
      failures: failure ? { [failure.id]: failure.message } : {},
      canManage: allowed.authorized,
      readOnly: readOnlyReason(tenant!),
      refusal: allowed.authorized ? null : (allowed.message ?? featureRefusal(tenant!, 'customDomains')),
      form,
    })
  }
}

function domainId({ params }: HttpContext) {
  const id = routeId(params.id)
  if (id === null) throw new DomainNotFoundError('No such domain on this blog')
  return id
}
