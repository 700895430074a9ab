import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { postValidator } from '#validators/post'
import { rejectForm, validateForm, type FormState } from '#exceptions/form_rejected'
import type Post from '#models/post'
import { dashboardPage, postById } from '#services/post_queries'
import { assertRoomForPost, createPost, deletePost, updatePost } from '#services/post_writer'
import { RenderRefused, renderContent } from '#services/post_rendering'
import { readOnlyReason } from '#services/billing'
import { planOf } from '#services/plans'
import { pageNumber } from '#services/public_pages'

/*
 * The route only lets digits through; ids past PostgreSQL's integer range would make the
 * query itself fail (a 500), so they are simply not found.
 */
const MAX_ID = 2_147_483_647
function findPost(id: unknown) {
  const value = Number(id)
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_ID) {
    throw new Exception('Post not found', { status: 404, code: 'E_ROW_NOT_FOUND' })
  }
  return postById(value)
}

/*
 * The blog owner's dashboard. Routes guard it: `auth` plus the blog policy (see
 * start/routes.ts), so every action here runs for the owner of the bound blog.
 */
export default class PostsController {
  async index({ view, request, tenant }: HttpContext) {
    const result = await dashboardPage(pageNumber(request.qs().page))
    return view.render('pages/dashboard/index', {
      blog: tenant,
      posts: result.posts,
      currentPage: result.page,
      previousPage: result.page > 1 ? result.page - 1 : null,
      nextPage: result.hasMore ? result.page + 1 : null,
      readOnly: readOnlyReason(tenant!),
    })
  }

  async create(ctx: HttpContext) {
    await assertRoomForPost(ctx.tenant!)
    return this.#editor(ctx, null)
  }

  async store(ctx: HttpContext) {
    const { response, session, auth, tenant } = ctx
    const page = (form: FormState) => this.#editor(ctx, null, form)
    const data = await validateForm(ctx, postValidator, page, { meta: { maxChars: planOf(tenant!).maxPostChars } })
    const rendered = await this.#render(ctx, data.content, page)
    const post = await createPost(tenant!, auth.getUserOrFail(), { ...data, rendered, publish: data.publish ?? false })
    session.flash('notice', post.isPublished ? `Published “${post.title}”.` : `Saved draft “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  async edit(ctx: HttpContext) {
    return this.#editor(ctx, await findPost(ctx.params.id))
  }

  async update(ctx: HttpContext) {
    const { response, session, params, tenant } = ctx
    const post = await findPost(params.id)
    const page = (form: FormState) => this.#editor(ctx, post, form)
    const data = await validateForm(ctx, postValidator, page, { meta: { maxChars: planOf(tenant!).maxPostChars } })
    const rendered = await this.#render(ctx, data.content, page)
    await updatePost(tenant!, post, { ...data, rendered, publish: data.publish ?? false })
    session.flash('notice', post.isPublished ? `Saved “${post.title}” (published).` : `Saved “${post.title}” as a draft.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  async destroy({ response, session, params }: HttpContext) {
    const post = await findPost(params.id)
    await deletePost(post)
    session.flash('notice', `Deleted “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  /*
   * A post that cannot be rendered within its budget is refused as a field error on its
   * content: the form comes back with everything the writer typed.
   */
  #render(ctx: HttpContext, content: string, page: (form: FormState) => Promise<string>) {
    return renderContent(content).catch((error) => {
      if (error instanceof RenderRefused) throw rejectForm(ctx, { content: [error.message] }, page)
      throw error
    })
  }

  #editor({ view, tenant }: HttpContext, post: Post | null, form?: FormState) {
    return view.render('pages/dashboard/post_form', {
      blog: tenant,
      post,
      form,
      maxChars: planOf(tenant!).maxPostChars,
    })
  }
}
