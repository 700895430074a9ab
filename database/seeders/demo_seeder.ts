import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { DateTime } from 'luxon'
import Post from '#models/post'
import Tenant from '#models/tenant'
import User from '#models/user'
import tenancy from '#tenancy/service'
import { scopedClient, withTenant } from '#tenancy/tenant_scope'
import { recordLastPost } from '#tenancy/tenant_activity'
import { tenantRefOf } from '#tenancy/tenant_ref'
import { slugify } from '#services/slugs'
import { renderedColumns } from '#services/post_rendering'

const DEMO_POSTS = [
  {
    title: 'Welcome to the demo blog',
    content:
      'This blog was created by `npm run dev`.\n\nEvery blog on EchoBlogs lives in its own PostgreSQL schema and answers on its own host.',
  },
  {
    title: 'Writing in Markdown',
    content: 'Posts are written in **Markdown**: lists, links and code blocks.\n\n- one\n- two\n- three',
  },
  {
    title: 'Start your own',
    content: 'Sign up on the main site and your blog is ready at `<you>.localhost:3333`.',
  },
]

/*
 * The demo blog a fresh clone shows at demo.localhost. Safe to run again: it does
 * nothing once the demo tenant exists.
 */
export default class DemoSeeder extends BaseSeeder {
  static environment = ['development']

  async run() {
    if (await Tenant.findBy('schemaName', 'demo')) return

    const owner =
      (await User.findBy('username', 'demo')) ??
      (await User.create({
        username: 'demo',
        email: 'demo@example.com',
        password: 'demo-password',
        emailVerifiedAt: DateTime.now(),
      }))
    const tenant = await tenancy.lifecycle.create({
      name: 'The Demo Blog',
      tagline: 'What an EchoBlogs blog looks like',
      schemaName: 'demo',
      ownerId: owner.id,
    })
    await withTenant(tenantRefOf(tenant), async () => {
      const now = DateTime.now()
      for (const [index, post] of DEMO_POSTS.entries()) {
        const publishedAt = now.minus({ days: DEMO_POSTS.length - index })
        await Post.create({
          ...post,
          ...(await renderedColumns(post.content)),
          slug: slugify(post.title),
          authorId: owner.id,
          isPublished: true,
          publishedAt,
        })
      }
      await recordLastPost(scopedClient(), tenant.id, tenant.schemaName)
    })
  }
}
