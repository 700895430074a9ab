import type { HttpContext } from '@adonisjs/core/http'
import { rejectForm, type FormState } from '#exceptions/form_rejected'
import type Post from '#models/post'
import { dashboardPage, postById } from '#services/post_queries'
import { assertRoomForPost, createPost, deletePost, postInput, publicationNotice, publicationState, updatePost } from '#services/post_writer'
import { readOnlyReason } from '#services/billing'
import { limitOf } from '#services/plans'
import { pageNumber } from '#services/public_pages'
import { tagListOf, tagSuggestions } from '#services/tags'
import { coverChoices, imageExists } from '#services/images'
import { previewPost } from '#services/post_preview'
import { absoluteUrl } from '#services/urls'
import router from '@adonisjs/core/services/router'

interface DraftLink {
  url: string | null
}

interface CoverOption {
  value: string
  label: string
}

const EDITOR_FIELDS = ['title', 'slug', 'content', 'tags', 'cover_image_key', 'publish', 'publish_at']

/*
 * What the editor shows again after a preview without scripts: its own fields as typed.
 */
function editorValues(input: Record<string, unknown>) {
  return Object.fromEntries(EDITOR_FIELDS.filter((name) => name in input).map((name) => [name, input[name]]))
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
    return this.#editor(ctx, await postById(ctx.params.id))
  }

  async update(ctx: HttpContext) {
    const { response, session, params, tenant } = ctx
    const post = await postById(params.id)
    const { fields, rendered } = await this.#submitted(ctx, (form) => this.#editor(ctx, post, form))
    await updatePost(tenant!, post, postInput(fields, rendered))
    session.flash('notice', publicationNotice(post, false))
    return response.redirect().toRoute('blog.dashboard')
  }

  async destroy({ response, session, params }: HttpContext) {
    const post = await postById(params.id)
    await deletePost(post)
    session.flash('notice', `Deleted “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  /*
   * The editor's preview: JSON for its script, or (without scripts, through the form's
   * Preview button) the editor again with everything typed and the preview under it. It
   * runs outside any tenant scope: the post's id only names where the form saves.
   */
  async preview(ctx: HttpContext) {
    const { request, response, params } = ctx
    const preview = await previewPost(ctx)
    if (request.accepts(['html', 'json']) === 'json') {
      if (preview.rendered) return { html: preview.html, words: preview.words }
      if (preview.retryAfterSeconds) response.header('Retry-After', String(preview.retryAfterSeconds))
      const errors = Object.entries(preview.errors).flatMap(([field, messages]) => messages.map((message) => ({ field, message })))
      return response.status(preview.retryAfterSeconds ? 429 : 422).send({ errors })
    }
    const postId = params.id ? Number(params.id) : null
    const form = { values: editorValues(request.all()), errors: preview.rendered ? {} : preview.errors }
    // No scope here to list the blog's images: the chosen one stays chosen.
    const cover = form.values.cover_image_key
    const coverOptions = typeof cover === 'string' && cover ? [{ value: cover, label: 'The image chosen' }] : []
    return this.#page(ctx, null, postId, form, preview.rendered ? preview : null, { fresh: preview.rendered, coverOptions })
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

  async #editor(ctx: HttpContext, post: Post | null, form?: FormState) {
    const tags = post ? await tagListOf(post.id) : ''
    const tagOptions = await tagSuggestions()
    const covers = await coverChoices(post?.coverImageKey ?? null)
    const coverOptions = covers.map((image) => ({ value: image.key, label: image.originalName }))
    // The stored HTML until the editor's script asks for a fresh preview with its count.
    const preview = form || !post ? null : { html: post.html ?? '', words: '' }
    return this.#page(ctx, post, post?.id ?? null, form, preview, {
      tags,
      tagOptions,
      coverOptions,
      fresh: false,
      draftLink: this.#draftLink(ctx, post),
    })
  }

  /*
   * A post readers cannot see yet can be shared by a private link.
   */
  #draftLink({ request }: HttpContext, post: Post | null): DraftLink | null {
    if (!post || publicationState(post) === 'published') return null
    const path = post.previewToken ? router.makeUrl('blog.drafts.preview', { token: post.previewToken }) : null
    return { url: path ? absoluteUrl(request, request.hostname()!, path) : null }
  }

  /*
   * The editor page: of a saved post (`post`), or of what was typed, for the post `postId`
   * or a new one.
   */
  #page(
    { view, tenant }: HttpContext,
    post: Post | null,
    postId: number | null,
    form: FormState | undefined,
    preview: { html: string; words: string } | null,
    {
      tags = '',
      tagOptions = [] as string[],
      coverOptions = [] as CoverOption[],
      fresh = false,
      draftLink = null as DraftLink | null,
    } = {}
  ) {
    return view.render('pages/dashboard/post_form', {
      blog: tenant,
      post,
      postId,
      form,
      tags,
      tagOptions,
      preview,
      fresh,
      draftLink,
      coverOptions: [{ value: '', label: 'No cover image' }, ...coverOptions],
      maxChars: limitOf(tenant!, 'postChars'),
      scheduledAt: post && publicationState(post) === 'scheduled' ? post.publishedAt!.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss") : '',
    })
  }
}
