import net from 'node:net'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import redis from '@adonisjs/redis/services/main'
import env from '#start/env'
import { runAce } from '#tests/helpers/ace'
import { startAppServer, type AppServer } from '#tests/helpers/app_server'
import { Browser } from '#tests/helpers/browser'
import { NGINX, startNginx, type Nginx } from '#tests/helpers/nginx'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

const LB_PORT = 3410
const LB_HTTPS_PORT = 3413
const INSTANCE_PORTS = [3411, 3412]

function redisAnswers() {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(env.get('REDIS_PORT', 6379), env.get('REDIS_HOST', '127.0.0.1'))
    socket.setTimeout(500, () => socket.destroy())
    socket.once('connect', () => (socket.end(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('close', () => resolve(false))
  })
}

const missing = !NGINX ? 'nginx is not installed (apt-get install nginx)' : !(await redisAnswers()) ? 'no Redis answers' : null

let instances: AppServer[] = []
let balancer: Nginx | null = null
const viaBalancer = `http://127.0.0.1:${LB_PORT}`

/*
 * Two instances, each a 2-worker cluster, on one PostgreSQL and one Redis, behind nginx
 * (round robin), trusting X-Forwarded-* from nginx's address only.
 */
test.group('Several instances behind nginx', (group) => {
  group.setup(async () => {
    if (missing) return () => {}
    const settings = {
      WEB_CONCURRENCY: '2',
      LIMITER_STORE: 'redis',
      TRUSTED_PROXIES: '127.0.0.1',
      MISS_LIMIT_PER_IP: '20',
      PAGE_CACHE: 'on',
    }
    instances = await Promise.all(INSTANCE_PORTS.map((port) => startAppServer(port, settings, { entry: 'bin/cluster.js' })))
    balancer = await startNginx(LB_PORT, LB_HTTPS_PORT, INSTANCE_PORTS)
    return async () => {
      await balancer?.stop()
      await Promise.all(instances.map((instance) => instance.stop()))
      await redis.quitAll()
    }
  })

  test('a session made on one instance works on the other and through nginx', async ({ assert }) => {
    const blog = await createBlog(uniqueName('multi_session'), { posts: 1 })
    const [a, b] = instances
    const onA = new Browser('127.0.0.2', a.url)
    assert.equal((await onA.login(blog.domain, blog.schemaName, BLOG_PASSWORD)).status, 302)
    assert.equal((await onA.get(blog.domain, '/dashboard')).status, 200)

    for (const base of [b.url, viaBalancer]) {
      const elsewhere = new Browser('127.0.0.2', base)
      elsewhere.jars = onA.jars
      for (let i = 0; i < 4; i++) {
        const dashboard = await elsewhere.get(blog.domain, '/dashboard')
        assert.equal(dashboard.status, 200, `${base}, request ${i + 1}`)
        assert.include(dashboard.body, `${blog.schemaName} post 1`)
      }
    }
  }).skip(!!missing, `several instances are not tested: ${missing}`)

  test('a post written through instance A is served fresh by instance B within a second', async ({ assert }) => {
    const blog = await createBlog(uniqueName('multi_fresh'), { posts: 1 })
    const [a, b] = instances
    const reader = new Browser('127.0.0.3', b.url)
    reader.keepCookies = false
    // Each of B's workers keeps its own copy: read until both answer from memory.
    let hits = 0
    for (let i = 0; i < 20 && hits < 4; i++) {
      if ((await reader.get(blog.domain, '/')).headers['x-page-cache'] === 'hit') hits++
    }
    assert.equal(hits, 4, 'B serves the home page from its cache')

    const owner = new Browser('127.0.0.2', a.url)
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    await owner.get(blog.domain, '/dashboard/posts/new')
    const written = await owner.post(blog.domain, '/dashboard/posts', { title: 'Fresh from A', content: 'x', publish: '1' })
    assert.equal(written.status, 302)
    const started = performance.now()
    let fresh = await reader.get(blog.domain, '/')
    while (!fresh.body.includes('Fresh from A') && performance.now() - started < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      fresh = await reader.get(blog.domain, '/')
    }
    const elapsed = performance.now() - started
    assert.include(fresh.body, 'Fresh from A')
    assert.isBelow(elapsed, 1_000)
    console.log(`  instance B served the post written on A after ${Math.round(elapsed)} ms`)
  }).skip(!!missing, `several instances are not tested: ${missing}`)

  test("a blog's rate limit is one count over both instances (Redis)", async ({ assert }) => {
    const blog = await createBlog(uniqueName('multi_rate'))
    // Test databases are made afresh, so tenant ids come round again within a counter's minute.
    await limiter.use('redis', { requests: 10, duration: '1 minute' }).delete(`miss_tenant_${blog.id}`)
    const lifted = await runAce(['tenants:plan', blog.schemaName, '--limit', 'requestsPerMinute=10'])
    assert.equal(lifted.exitCode, 0)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      // A different client address each time: only the blog's counter can run out.
      const visitor = new Browser(`127.0.1.${i + 1}`, viaBalancer)
      statuses.push((await visitor.get(blog.domain, `/posts/missing-${i}`)).status)
    }
    assert.deepEqual(statuses, [...Array(10).fill(404), ...Array(10).fill(429)])
  }).skip(!!missing, `several instances are not tested: ${missing}`)

  test('X-Forwarded-* is believed from nginx only', async ({ assert }) => {
    const blog = await createBlog(uniqueName('multi_proxy'))
    const forged = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}`, 'x-forwarded-proto': 'https' })

    const behind = new Browser('127.0.0.5', viaBalancer)
    behind.keepCookies = false
    const page = await behind.get(blog.domain, '/', forged(1))
    assert.isUndefined(page.headers['strict-transport-security'], 'nginx replaced the forged X-Forwarded-Proto')
    const throughNginx: number[] = []
    for (let i = 0; i < 30; i++) throughNginx.push((await behind.get(blog.domain, `/posts/none-${i}`, forged(i))).status)
    assert.include(throughNginx, 429, 'forged addresses do not escape the per-address limit')

    const tls = new Browser('127.0.0.6', `http://127.0.0.1:${LB_HTTPS_PORT}`)
    const secure = await tls.get(blog.domain, '/login')
    assert.match(String(secure.headers['strict-transport-security']), /max-age=\d+/, 'https as nginx reports it')
    assert.match(String(secure.headers['set-cookie']), /;\s*secure/i)

    const direct = new Browser('127.0.0.7', instances[0].url)
    const spoofed = await direct.get(blog.domain, '/login', forged(1))
    assert.isUndefined(spoofed.headers['strict-transport-security'], 'a client is not a proxy')
    assert.notMatch(String(spoofed.headers['set-cookie']), /;\s*secure/i)
    const directly: number[] = []
    for (let i = 0; i < 30; i++) directly.push((await direct.get(blog.domain, `/posts/none-${i}`, forged(i))).status)
    assert.include(directly, 429)
  }).skip(!!missing, `several instances are not tested: ${missing}`)
})
