import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { startAppServer } from '#tests/helpers/app_server'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

const TOKEN = 'metrics-token-for-the-test-0123456789'

/*
 * The value of one series in Prometheus' text format, or undefined.
 */
function sample(text: string, series: string) {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

test.group('Metrics', () => {
  test('a two-worker cluster answers /metrics with every worker summed, only to the token', async ({ assert }) => {
    const blog = await createBlog(uniqueName('metrics'), { posts: 2 })
    const server = await startAppServer(3392, { METRICS_TOKEN: TOKEN, WEB_CONCURRENCY: '2' }, { entry: 'bin/cluster.js' })
    const visitor = new Browser('127.0.0.1', server.url)
    const get = (host: string, path: string, headers: Record<string, string> = {}) => visitor.get(host, path, headers)
    try {
      for (let i = 0; i < 40; i++) assert.equal((await get(blog.domain, '/')).status, 200)
      assert.equal((await get(blog.domain, '/posts/no-such-post')).status, 404)

      assert.equal((await get(blog.domain, '/metrics')).status, 401)
      assert.equal((await get(blog.domain, '/metrics', { authorization: 'Bearer wrong' })).status, 401)
      const scrape = await get('unknown.example.test', '/metrics', { authorization: `Bearer ${TOKEN}` })
      assert.equal(scrape.status, 200)
      assert.match(String(scrape.headers['content-type']), /^text\/plain; version=0\.0\.4/)
      assert.equal(scrape.headers['cache-control'], 'no-store')
      const text = scrape.body

      assert.equal(sample(text, 'echoblogs_worker_processes'), 2, 'both workers are counted')
      const home = sample(text, 'echoblogs_http_requests_total{route="blog.home",status_class="2xx"}')!
      const hits = sample(text, 'echoblogs_page_cache_hits_total')!
      assert.isAtLeast(home, 1, 'a home page was rendered')
      assert.isAtLeast(hits, 30, 'most home page requests are cache hits')
      assert.isAtLeast(home + hits, 40, 'every home page request is counted, rendered or a cache hit')
      assert.equal(sample(text, 'echoblogs_http_requests_total{route="blog.posts.show",status_class="4xx"}'), 1)
      assert.isAbove(sample(text, 'echoblogs_http_request_duration_seconds_count{route="blog.home"}')!, 0)
      const { rows } = await db.rawQuery('select count(*)::int as n from public.tenants')
      assert.equal(sample(text, 'echoblogs_tenants'), rows[0].n, 'the same figure in each worker is reported once')
      assert.isDefined(sample(text, 'echoblogs_db_connections{pool="tenant",state="in_use"}'))
      assert.isDefined(sample(text, 'nodejs_eventloop_lag_seconds'))
      assert.isAbove(sample(text, 'nodejs_heap_size_used_bytes')!, 0)
      assert.notInclude(text, blog.schemaName, 'no series is labelled with a tenant')
    } finally {
      await server.stop()
    }
  }).timeout(120_000)
})
