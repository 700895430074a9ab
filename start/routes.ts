/*
 * Two sets of routes: the main site on APP_DOMAIN (a router domain), and the blogs on
 * every other host (the router's root domain; the tenant middleware has already turned
 * unknown hosts away). Route names carry their side: `main.*` and `blog.*`.
 */
import router from '@adonisjs/core/services/router'
import tenancyConfig from '#config/tenancy'
import { middleware } from '#start/kernel'
import { DRAFT_LINK_TOKEN } from '#services/draft_links'
import { IMAGE_KEY } from '#tenancy/tenant_media'

const SiteController = () => import('#controllers/site_controller')
const SignupController = () => import('#controllers/signup_controller')
const MainSessionController = () => import('#controllers/main_session_controller')
const BlogController = () => import('#controllers/blog_controller')
const BlogSessionController = () => import('#controllers/blog_session_controller')
const FeedsController = () => import('#controllers/feeds_controller')
const SearchController = () => import('#controllers/search_controller')
const TagsController = () => import('#controllers/tags_controller')
const PostsController = () => import('#controllers/dashboard/posts_controller')
const SettingsController = () => import('#controllers/dashboard/settings_controller')
const DraftLinksController = () => import('#controllers/dashboard/draft_links_controller')
const DraftPreviewsController = () => import('#controllers/draft_previews_controller')
const AccountController = () => import('#controllers/account_controller')
const AccountLinksController = () => import('#controllers/account_links_controller')
const PasswordResetController = () => import('#controllers/password_reset_controller')
const DomainsController = () => import('#controllers/dashboard/domains_controller')
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

    /*
     * Accounts by mail. The links mailed (verification, reset, new address) work without
     * a session; what changes the account needs one, and the current password.
     */
    router.get('/password/forgot', [PasswordResetController, 'create']).as('main.password.forgot')
    router.post('/password/forgot', [PasswordResetController, 'store']).as('main.password.email')
    router.get('/password/reset', [PasswordResetController, 'edit']).as('main.password.reset')
    router.post('/password/reset', [PasswordResetController, 'update']).as('main.password.update')
    router.get('/account/verify', [AccountLinksController, 'verify']).as('main.account.verify')
    router.get('/account/email/confirm', [AccountLinksController, 'confirmEmail']).as('main.account.email.confirm')
    router.post('/account/email/confirm', [AccountLinksController, 'storeEmail']).as('main.account.email.store')
    router.get('/goodbye', [AccountController, 'goodbye']).as('main.account.goodbye')
    router
      .group(() => {
        router.get('/account', [AccountController, 'show']).as('main.account.show')
        router
          .post('/account/verification', [AccountLinksController, 'resend'])
          .as('main.account.verification.resend')
        router.put('/account/password', [AccountController, 'updatePassword']).as('main.account.password.update')
        router.put('/account/email', [AccountController, 'updateEmail']).as('main.account.email.update')
        router
          .get('/account/export/:schema', [AccountController, 'export'])
          .where('schema', /^[a-z][a-z0-9_]{0,62}$/)
          .as('main.account.export')
        router.delete('/account', [AccountController, 'destroy']).as('main.account.destroy')
      })
      .use(middleware.auth())
  })
  .domain(tenancyConfig.appDomain)

const TAG_SLUG = /^(?=.{1,60}$)[a-z0-9]+(?:-[a-z0-9]+)*$/
router.get('/', [BlogController, 'index']).as('blog.home')
router.get('/posts/:slug', [BlogController, 'show']).as('blog.posts.show')
router.get('/tags/:slug', [TagsController, 'show']).where('slug', TAG_SLUG).as('blog.tags.show')
router
  .get('/tags/:slug/feed.xml', [TagsController, 'feed'])
  .where('slug', TAG_SLUG)
  .as('blog.tags.feed')
  .use(middleware.feature({ name: 'feed' }))
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
router
  .get('/preview/:token', [DraftPreviewsController, 'show'])
  .where('token', DRAFT_LINK_TOKEN)
  .as('blog.drafts.preview')
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
 * on the renderer. The editor's preview renders with no scope at all.
 */
const manage = [middleware.blogAccess({ ability: 'manage' }), middleware.tenantScope()]
const write = [middleware.blogAccess({ ability: 'write' }), middleware.tenantScope()]
const preview = [middleware.blogAccess({ ability: 'write' })]
const save = [middleware.blogAccess({ ability: 'write' }), middleware.postSubmission(), middleware.tenantScope()]
/*
 * Domains live in the public schema, and verifying one waits on DNS: these routes open no
 * tenant scope, so no transaction is held while the lookup runs.
 */
const manageDomains = [middleware.blogAccess({ ability: 'manage' })]
const changeDomains = [middleware.blogAccess({ ability: 'customDomains' })]
const removeDomains = [middleware.blogAccess({ ability: 'write' })]
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
    router.post('/posts/preview', [PostsController, 'preview']).as('blog.dashboard.posts.preview').use(preview)
    router
      .post('/posts/:id/preview', [PostsController, 'preview'])
      .as('blog.dashboard.posts.preview.existing')
      .use(preview)
    router
      .delete('/posts/:id', [PostsController, 'destroy'])
      .as('blog.dashboard.posts.destroy')
      .use(write)
    router
      .post('/posts/:id/preview-link', [DraftLinksController, 'store'])
      .as('blog.dashboard.posts.link.store')
      .use(write)
    router
      .delete('/posts/:id/preview-link', [DraftLinksController, 'destroy'])
      .as('blog.dashboard.posts.link.destroy')
      .use(write)
    router.get('/settings', [SettingsController, 'edit']).as('blog.dashboard.settings.edit').use(manage)
    // Sends mail after the response: no tenant scope, so no transaction waits on it.
    router
      .post('/verification', [AccountLinksController, 'resend'])
      .as('blog.dashboard.verification.resend')
      .use(middleware.blogAccess({ ability: 'manage' }))
    router
      .put('/settings', [SettingsController, 'update'])
      .as('blog.dashboard.settings.update')
      .use(write)
    router.get('/domains', [DomainsController, 'index']).as('blog.dashboard.domains.index').use(manageDomains)
    router.post('/domains', [DomainsController, 'store']).as('blog.dashboard.domains.store').use(changeDomains)
    router
      .post('/domains/:id/verify', [DomainsController, 'verify'])
      .as('blog.dashboard.domains.verify')
      .use(changeDomains)
    router
      .put('/domains/:id/primary', [DomainsController, 'primary'])
      .as('blog.dashboard.domains.primary')
      .use(changeDomains)
    router
      .delete('/domains/:id', [DomainsController, 'destroy'])
      .as('blog.dashboard.domains.destroy')
      .use(removeDomains)
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
