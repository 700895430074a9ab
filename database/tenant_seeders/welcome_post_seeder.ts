import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { DateTime } from 'luxon'
import Post from '#models/post'
import Tenant from '#models/tenant'
import { currentScope, scopedClient } from '#tenancy/tenant_scope'
import { recordLastPost } from '#tenancy/tenant_activity'
import { renderedColumns } from '#services/post_rendering'

/*
 * Gives an empty blog a first post by its owner. Runs inside a tenant scope
 * (`node ace tenants:seed`); does nothing on a blog that has posts or no owner.
 */
export default class WelcomePostSeeder extends BaseSeeder {
  async run() {
    const tenant = await Tenant.findOrFail(currentScope()!.tenant.id)
    if (!tenant.ownerId || (await Post.query().first())) return
    const content = 'This is the first post of this blog. Edit or delete it from the dashboard.'
    await Post.create({
      title: `Welcome to ${tenant.name}`,
      slug: 'welcome',
      content,
      ...(await renderedColumns(content)),
      authorId: tenant.ownerId,
      isPublished: true,
      publishedAt: DateTime.now(),
    })
    await recordLastPost(scopedClient(), tenant.id, tenant.schemaName)
  }
}
