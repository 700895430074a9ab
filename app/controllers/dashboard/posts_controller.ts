import type { HttpContext } from '@adonisjs/core/http'
import { postValidator } from '#validators/post'
import { allPostsForDashboard, postById } from '#services/post_queries'
import { createPost, deletePost, updatePost } from '#services/post_writer'
import { readOnlyReason } from '#services/billing'
import { Exception } from '@adonisjs/core/exceptions'

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
  async index({ view, tenant }: HttpContext) {
    const posts = await allPostsForDashboard()
    return view.render('pages/dashboard/index', {
      blog: tenant,
      posts,
      readOnly: readOnlyReason(tenant!),
    })
  }

  async create({ view, tenant }: HttpContext) {
    return view.render('pages/dashboard/post_form', { blog: tenant, post: null })
  }

  async store({ request, response, session, auth, tenant }: HttpContext) {
    const data = await request.validateUsing(postValidator)
    const post = await createPost(tenant!, auth.getUserOrFail(), {
      ...data,
      publish: data.publish ?? false,
    })
    session.flash('notice', post.isPublished ? `Published “${post.title}”.` : `Saved draft “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  async edit({ view, params, tenant }: HttpContext) {
    const post = await findPost(params.id)
    return view.render('pages/dashboard/post_form', { blog: tenant, post })
  }

  async update({ request, response, session, params, tenant }: HttpContext) {
    const post = await findPost(params.id)
    const data = await request.validateUsing(postValidator)
    await updatePost(tenant!, post, { ...data, publish: data.publish ?? false })
    session.flash('notice', post.isPublished ? `Saved “${post.title}” (published).` : `Saved “${post.title}” as a draft.`)
    return response.redirect().toRoute('blog.dashboard')
  }

  async destroy({ response, session, params }: HttpContext) {
    const post = await findPost(params.id)
    await deletePost(post)
    session.flash('notice', `Deleted “${post.title}”.`)
    return response.redirect().toRoute('blog.dashboard')
  }
}
