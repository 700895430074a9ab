import type { HttpContext } from '@adonisjs/core/http'
import { blogSettingsValidator } from '#validators/blog_settings'
import { validateForm, type FormState } from '#exceptions/form_rejected'
import { postsPerPageOf, updateBlogSettings } from '#services/blog_settings'
import { formatNavLinks } from '#services/nav_links'
import { THEME_OPTIONS, themeOf } from '#services/themes'

export default class SettingsController {
  async edit(ctx: HttpContext) {
    return this.#form(ctx)
  }

  async update(ctx: HttpContext) {
    const { response, session, tenant } = ctx
    const settings = await validateForm(ctx, blogSettingsValidator, (form) => this.#form(ctx, form))
    await updateBlogSettings(tenant!, settings)
    session.flash('notice', 'Settings saved.')
    return response.redirect().toRoute('blog.dashboard.settings.edit')
  }

  #form({ view, tenant }: HttpContext, form?: FormState) {
    const blog = tenant!
    return view.render('pages/dashboard/settings', {
      blog,
      form,
      current: {
        postsPerPage: postsPerPageOf(blog),
        theme: themeOf(blog).name,
        navLinks: formatNavLinks(blog.navLinks),
      },
      themes: THEME_OPTIONS,
    })
  }
}
