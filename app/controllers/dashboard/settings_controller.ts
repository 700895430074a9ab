import type { HttpContext } from '@adonisjs/core/http'
import { blogSettingsValidator } from '#validators/blog_settings'
import { updateBlogSettings } from '#services/blog_settings'

export default class SettingsController {
  async edit({ view, tenant }: HttpContext) {
    return view.render('pages/dashboard/settings', { blog: tenant })
  }

  async update({ request, response, session, tenant }: HttpContext) {
    const settings = await request.validateUsing(blogSettingsValidator)
    await updateBlogSettings(tenant!, settings)
    session.flash('notice', 'Settings saved.')
    return response.redirect().toRoute('blog.dashboard.settings.edit')
  }
}
