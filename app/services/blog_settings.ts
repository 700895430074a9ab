import Tenant from '#models/tenant'
import tenancy from '#tenancy/service'
import type { TenantRef } from '#tenancy/types'

/*
 * Title and tagline live on the public tenant row, which the host resolver caches.
 */
export async function updateBlogSettings(
  blog: TenantRef,
  settings: { name: string; tagline?: string | null }
) {
  await Tenant.query()
    .where('id', blog.id)
    .update({ name: settings.name, tagline: settings.tagline || null })
  tenancy.lifecycle.changed(blog.id)
}
