/*
 * Two sets of routes: the main site on APP_DOMAIN (a router domain), and the blogs on
 * every other host (the router's root domain; the tenant middleware has already turned
 * unknown hosts away). Route names carry their side: `main.*` and `blog.*`.
 */
import router from '@adonisjs/core/services/router'
import tenancyConfig from '#config/tenancy'

const SiteController = () => import('#controllers/site_controller')
const BlogController = () => import('#controllers/blog_controller')

router
  .group(() => {
    router.get('/', [SiteController, 'home']).as('main.home')
  })
  .domain(tenancyConfig.appDomain)

router.get('/', [BlogController, 'index']).as('blog.home')
router.get('/posts/:slug', [BlogController, 'show']).as('blog.posts.show')
