import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import blogConfig from '#config/blog'
import type { TenantRef } from '#tenancy/types'

export interface PlanLimits {
  name: string
  maxPosts: number
  maxPostChars: number
}

/*
 * The limits a blog writes under: its plan's (free trial or paid), with its own post limit
 * when an administrator set one.
 */
export function planOf(blog: TenantRef): PlanLimits {
  const plan = blog.onTrial ? blogConfig.plans.trial : blogConfig.plans.paid
  return { ...plan, maxPosts: blog.postLimit ?? plan.maxPosts }
}

/*
 * Writing one more post would pass the blog's limit: a page that says which limit and
 * how to lift it, and nothing is saved.
 */
export class PlanLimitReached extends Exception {
  static status = 403
  static code = 'E_PLAN_LIMIT'

  constructor(private blog: TenantRef) {
    super('Post limit reached')
  }

  async handle(_: this, ctx: HttpContext) {
    const plan = planOf(this.blog)
    const paid = blogConfig.plans.paid.maxPosts
    const lift =
      this.blog.onTrial && paid > plan.maxPosts
        ? `Delete posts you no longer need, or move to the paid plan, which allows ${paid.toLocaleString('en')} posts (ask EchoBlogs support).`
        : 'Delete posts you no longer need, or ask EchoBlogs support to raise the limit of your blog.'
    ctx.response.status(403).send(
      await ctx.view.render('pages/errors/client_error', {
        status: 403,
        title: 'Post limit reached',
        message: `This blog has reached its limit of ${plan.maxPosts.toLocaleString('en')} posts on the ${plan.name}. ${lift}`,
        unknownHost: false,
        blog: ctx.tenant,
      })
    )
  }
}
