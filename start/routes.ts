/*
 * Two sets of routes: the main site on APP_DOMAIN (a router domain), and the blogs on
 * every other host (the router's root domain; the tenant middleware has already turned
 * unknown hosts away). Route names carry their side: `main.*` and `blog.*`.
 */
import router from '@adonisjs/core/services/router'
import tenancyConfig from '#config/tenancy'
import { middleware } from '#start/kernel'
import { IMAGE_KEY } from '#tenancy/tenant_media'

const SiteController = () => import('#controllers/site_controller')
const SignupController = () => import('#controllers/signup_controller')
const MainSessionController = () => import('#controllers/main_session_controller')
const BlogController = () => import('#controllers/blog_controller')
const BlogSessionController = () => import('#controllers/blog_session_controller')
const FeedsController = () => import('#controllers/feeds_controller')
const SearchController = () => import('#controllers/search_controller')
const PostsController = () => import('#controllers/dashboard/posts_controller')
const SettingsController = () => import('#controllers/dashboard/settings_controller')
const ImagesController = () => import('#controllers/dashboard/images_controller')
const MediaController = () => import('#controllers/media_controller')

router
  .group(() => {
    router.get('/', [SiteController, 'home']).as('main.home')
    router.get('/signup', [SignupController, 'create']).as('main.signup.create')
    router.post('/signup', [SignupController, 'store']).as('main.signup.store')
    router.get('/login', [MainSessionController, 'create']).as('main.login.create')
    router.post('/login', [MainSessionController, 'store']).as('main.login.store')
    router.post('/logout', [MainSessionController, 'destroy']).as('main.logout')
    router
      .post('/my-blog', [MainSessionController, 'openBlog'])
      .as('main.blog.open')
      .use(middleware.auth())
  })
  .domain(tenancyConfig.appDomain)

router.get('/', [BlogController, 'index']).as('blog.home')
router.get('/posts/:slug', [BlogController, 'show']).as('blog.posts.show')
router.get('/search', [SearchController, 'index']).as('blog.search').use(middleware.feature({ name: 'search' }))
router.get('/feed.xml', [FeedsController, 'atom']).as('blog.feed').use(middleware.feature({ name: 'feed' }))
router
  .get('/sitemap.xml', [FeedsController, 'sitemap'])
  .as('blog.sitemap')
  .use(middleware.feature({ name: 'sitemap' }))
router
  .get('/sitemaps/:file', [FeedsController, 'sitemapPosts'])
  .where('file', /^posts-[1-9]\d{0,5}\.xml$/)
  .as('blog.sitemap.posts')
  .use(middleware.feature({ name: 'sitemap' }))
router.get('/media/:key', [MediaController, 'show']).where('key', IMAGE_KEY).as('blog.media')
router.get('/login', [BlogSessionController, 'create']).as('blog.login.create')
router.post('/login', [BlogSessionController, 'store']).as('blog.login.store')
router.post('/logout', [BlogSessionController, 'destroy']).as('blog.logout')
router.get('/auth/handoff', [BlogSessionController, 'handoff']).as('blog.handoff')

/*
 * The dashboard: visitors are sent to log in; anyone but the owner gets 403; writes on a
 * blog whose plan has lapsed get 402 (see BlogPolicy). Each route then runs in a tenant
 * scope (one transaction); the public pages above read without one (tenancy.reader). A
 * submitted post is validated and rendered before its scope opens, so no connection waits
 * on the renderer.
 */
const manage = [middleware.blogAccess({ ability: 'manage' }), middleware.tenantScope()]
const write = [middleware.blogAccess({ ability: 'write' }), middleware.tenantScope()]
const save = [middleware.blogAccess({ ability: 'write' }), middleware.postSubmission(), middleware.tenantScope()]
// An upload is read before its scope opens; files go only once their rows' fate is committed.
const upload = [middleware.blogAccess({ ability: 'write' }), middleware.imageFiles({ receive: true }), middleware.tenantScope()]
const removeFiles = [middleware.blogAccess({ ability: 'write' }), middleware.imageFiles(), middleware.tenantScope()]
router
  .group(() => {
    router.get('/', [PostsController, 'index']).as('blog.dashboard').use(manage)
    router.get('/posts/new', [PostsController, 'create']).as('blog.dashboard.posts.create').use(write)
    router.post('/posts', [PostsController, 'store']).as('blog.dashboard.posts.store').use(save)
    router
      .get('/posts/:id/edit', [PostsController, 'edit'])
      .as('blog.dashboard.posts.edit')
      .use(write)
    router.put('/posts/:id', [PostsController, 'update']).as('blog.dashboard.posts.update').use(save)
    router
      .delete('/posts/:id', [PostsController, 'destroy'])
      .as('blog.dashboard.posts.destroy')
      .use(write)
    router.get('/settings', [SettingsController, 'edit']).as('blog.dashboard.settings.edit').use(manage)
    router
      .put('/settings', [SettingsController, 'update'])
      .as('blog.dashboard.settings.update')
      .use(write)
    router.get('/images', [ImagesController, 'index']).as('blog.dashboard.images.index').use(manage)
    router.post('/images', [ImagesController, 'store']).as('blog.dashboard.images.store').use(upload)
    router
      .delete('/images/:key', [ImagesController, 'destroy'])
      .where('key', IMAGE_KEY)
      .as('blog.dashboard.images.destroy')
      .use(removeFiles)
  })
  .prefix('/dashboard')
  .where('id', router.matchers.number())
  .use(middleware.auth())
