import Tenant from '#models/tenant'
import blogConfig from '#config/blog'
import tenancy from '#tenancy/service'
import type { NavLink, TenantRef } from '#tenancy/types'
import type { ThemeName } from '#services/themes'

export interface BlogSettings {
  name: string
  tagline?: string | null
  description?: string | null
  /* Left out: unchanged. */
  posts_per_page?: number
  theme?: ThemeName
  nav_links?: NavLink[]
}

/*
 * Settings live on the public tenant row, which the host resolver caches:
 * lifecycle.changed() drops this blog's cached hosts and pages here, and the row's trigger
 * tells the other processes once the update commits.
 */
export async function updateBlogSettings(blog: TenantRef, settings: BlogSettings) {
  await Tenant.query()
    .where('id', blog.id)
    .update({
      name: settings.name,
      tagline: settings.tagline || null,
      description: settings.description || null,
      nav_links: JSON.stringify(settings.nav_links ?? []),
      ...(settings.posts_per_page === undefined ? {} : { posts_per_page: settings.posts_per_page }),
      ...(settings.theme === undefined ? {} : { theme: settings.theme }),
    })
  tenancy.lifecycle.changed(blog.id)
}

/* How many posts a page of the blog's home page lists. */
export function postsPerPageOf(blog: TenantRef) {
  return blog.postsPerPage ?? blogConfig.postsPerPage
}
