import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { rejectForm, type FormState } from '#exceptions/form_rejected'
import type Post from '#models/post'
import { dashboardPage, postById } from '#services/post_queries'
import { assertRoomForPost, createPost, deletePost, postInput, publicationNotice, publicationState, updatePost } from '#services/post_writer'
import { readOnlyReason } from '#services/billing'
import { limitOf } from '#services/plans'
import { pageNumber } from '#services/public_pages'
import { coverChoices, imageExists } from '#services/images'

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
      states: Object.fromEntries(result.posts.map((post) => [post.id, publicationState(post)])),
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
    const { fields, rendered } = await this.#submitted(ctx, (form) => this.#editor(ctx, null, form))
    const post = await createPost(tenant!, auth.getUserOrFail(), postInput(fields, rendered))
    session.flash('notice', publicationNotice(post, true))
    return response.redirect().toRoute('blog.dashboard')
  }

  async edit(ctx: HttpContext) {
    return this.#editor(ctx, await findPost(ctx.params.id))
  }

  async update(ctx: HttpContext) {
    const { response, session, params, tenant } = ctx
    const post = await findPost(params.id)
    const { fields, rendered } = await this.#submitted(ctx, (form) => this.#editor(ctx, post, form))
    await updatePost(tenant!, post, postInput(fields, rendered))
    session.flash('notice', publicationNotice(post, false))
    return response.redirect().toRoute('blog.dashboard')
  }

  async destroy({ response, session, params }: HttpContext) {
    const post = await findPost(params.id)
    await deletePost(post)
    session.flash('notice', `Deleted “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  /*
   * The post as read and rendered before the scope opened (#services/post_submission); a
   * refused one comes back as the form with everything the writer typed. A cover image
   * must be one of the blog's (it may have been deleted since the form was shown).
   */
  async #submitted(ctx: HttpContext, page: (form: FormState) => Promise<string>) {
    const submission = ctx.postSubmission!
    if (!submission.accepted) throw rejectForm(ctx, submission.errors, page)
    const cover = submission.fields.cover_image_key
    if (cover && !(await imageExists(cover))) {
      throw rejectForm(ctx, { cover_image_key: ['This image is no longer on the blog: choose another one'] }, page)
    }
    return submission
  }

  async #editor({ view, tenant }: HttpContext, post: Post | null, form?: FormState) {
    const covers = await coverChoices(post?.coverImageKey ?? null)
    return view.render('pages/dashboard/post_form', {
      blog: tenant,
      post,
      form,
      coverOptions: [
        { value: '', label: 'No cover image' },
        ...covers.map((image) => ({ value: image.key, label: image.originalName })),
      ],
      maxChars: limitOf(tenant!, 'postChars'),
      scheduledAt: post && publicationState(post) === 'scheduled' ? post.publishedAt!.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss") : '',
    })
  }
}
