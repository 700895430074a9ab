import type { HttpContext } from '@adonisjs/core/http'
import router from '@adonisjs/core/services/router'
import { Exception } from '@adonisjs/core/exceptions'
import { rejectForm, type FormState } from '#exceptions/form_rejected'
import { addImage, deleteImage, imagePage } from '#services/images'
import { limitOf } from '#services/plans'
import { pageNumber } from '#services/public_pages'
import { readOnlyReason } from '#services/billing'

/*
 * The blog's images in the dashboard. An upload has been read and stored before this
 * runs (#middleware/image_files_middleware); here it is recorded, or refused with the
 * page and its message.
 */
export default class ImagesController {
  async index(ctx: HttpContext) {
    return this.#page(ctx)
  }

  async store(ctx: HttpContext) {
    const { response, session, tenant } = ctx
    const upload = ctx.imageUpload!
    if (!upload.accepted) {
      throw rejectForm(ctx, upload.errors, (form) => this.#page(ctx, form), { status: upload.status })
    }
    await addImage(tenant!, upload.image)
    session.flash('notice', `Uploaded “${upload.image.originalName}”.`)
    return response.redirect().toRoute('blog.dashboard.images.index')
  }

  async destroy(ctx: HttpContext) {
    const { params, response, session } = ctx
    const image = await deleteImage(String(params.key))
    if (!image) throw new Exception('Image not found', { status: 404, code: 'E_ROW_NOT_FOUND' })
    ctx.imageFilesToRemove!.push(image.key)
    session.flash('notice', `Deleted “${image.originalName}”.`)
    return response.redirect().toRoute('blog.dashboard.images.index')
  }

  async #page({ view, request, tenant }: HttpContext, form?: FormState) {
    const result = await imagePage(pageNumber(request.qs().page))
    return view.render('pages/dashboard/images', {
      blog: tenant,
      form,
      images: result.images,
      snippets: Object.fromEntries(
        result.images.map((image) => [image.key, `![${altText(image.originalName)}](${router.makeUrl('blog.media', { key: image.key })})`])
      ),
      currentPage: result.page,
      previousPage: result.page > 1 ? result.page - 1 : null,
      nextPage: result.hasMore ? result.page + 1 : null,
      imageMb: limitOf(tenant!, 'imageMb'),
      readOnly: readOnlyReason(tenant!),
    })
  }
}

/*
 * The file's name without its extension, as a starting alt text the writer edits; no
 * character that would end the Markdown's brackets.
 */
function altText(name: string) {
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[[\]\\]/g, ' ').trim()
}
