import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#exceptions/handler'))

/*
 * Static files are served before tenant resolution, so stylesheets never open a tenant
 * transaction. Every other request passes the tenant middleware, matched route or not;
 * anonymous public pages may then come from the page cache before any transaction opens.
 * What misses the cache is rate-limited per client and per blog (fair shares), and its
 * body is read in full before the tenant scope takes a pooled connection: a client that
 * sends its body slowly holds a socket, never a database connection.
 */
server.use([
  () => import('#middleware/container_bindings_middleware'),
  () => import('#middleware/transport_security_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  () => import('#tenancy/tenant_middleware'),
  () => import('#middleware/page_cache_middleware'),
  () => import('#middleware/fair_share_middleware'),
  () => import('#middleware/identity_body_middleware'),
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('#middleware/method_spoofing_middleware'),
  () => import('#tenancy/tenant_scope_middleware'),
])

router.use([
  () => import('#middleware/session_middleware'),
  () => import('@adonisjs/shield/shield_middleware'),
  () => import('#middleware/csrf_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/initialize_bouncer_middleware'),
  () => import('#middleware/viewer_middleware'),
])

export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
  blogAccess: () => import('#middleware/blog_access_middleware'),
})
