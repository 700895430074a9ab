import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import { searchPublished } from '#services/post_queries'
import { pageNumber } from '#services/public_pages'
import { searchValidator } from '#validators/search'
import { searchMeta } from '#services/page_meta'

export default class SearchController {
  /*
   * Any query string is a search or a clear refusal: a query that is too long (or given
   * twice) comes back with its message and the words kept, status 422.
   */
  async index({ view, request, response, tenant }: HttpContext) {
    const raw = request.qs().q
    try {
      const { q } = await searchValidator.validate(request.qs())
      const page = pageNumber(request.qs().page)
      const found = q ? await searchPublished(tenant!, q, page) : null
      return view.render('pages/blog/search', {
        blog: tenant,
        meta: searchMeta(request, tenant!),
        q: q ?? '',
        found: found && {
          results: found.results,
          previousPage: page > 1 ? page - 1 : null,
          nextPage: found.hasMore ? page + 1 : null,
          currentPage: page,
        },
      })
    } catch (error) {
      if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
      response.status(422)
      return view.render('pages/blog/search', {
        blog: tenant,
        meta: searchMeta(request, tenant!),
        q: typeof raw === 'string' ? raw : '',
        error: error.messages[0]?.message,
        found: null,
      })
    }
  }
}
