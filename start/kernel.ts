import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#exceptions/handler'))

/*
 * Every response gets the security headers and a cache policy, and is compressed when the
 * client accepts it. The files of public/ are served from memory, and /healthz, /readyz
 * and /metrics answered, before tenant resolution. Every other request passes the tenant middleware, matched route or not,
 * and a blog's public pages asked for on another of its domains are redirected to its primary;
 * anonymous public pages may then come from the page cache (most hits are answered even
 * earlier, #services/page_cache_hits).
 * What misses the cache is rate-limited per client and per blog (fair shares), and its
 * body is read in full before any route takes a database connection: a client that sends
 * its body slowly holds a socket, never a connection.
 */
server.use([
  () => import('#middleware/container_bindings_middleware'),
  () => import('#middleware/request_timing_middleware'),
  () => import('#middleware/response_headers_middleware'),
  () => import('#middleware/compression_middleware'),
  () => import('#middleware/assets_middleware'),
  () => import('#middleware/operations_middleware'),
  () => import('#tenancy/tenant_middleware'),
  () => import('#middleware/primary_domain_middleware'),
  () => import('#middleware/page_cache_middleware'),
  () => import('#middleware/fair_share_middleware'),
  () => import('#middleware/identity_body_middleware'),
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('#middleware/method_spoofing_middleware'),
])

router.use([
  () => import('#middleware/route_log_middleware'),
  () => import('#middleware/session_middleware'),
  () => import('#middleware/csrf_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/initialize_bouncer_middleware'),
  () => import('#middleware/viewer_middleware'),
])

export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
  blogAccess: () => import('#middleware/blog_access_middleware'),
  postSubmission: () => import('#middleware/post_submission_middleware'),
  tenantScope: () => import('#tenancy/tenant_scope_middleware'),
  feature: () => import('#middleware/feature_middleware'),
  imageFiles: () => import('#middleware/image_files_middleware'),
})
