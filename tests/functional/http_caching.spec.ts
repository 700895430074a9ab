import http from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { test } from '@japa/runner'
import { startAppServer } from '#tests/helpers/app_server'
import { Browser } from '#tests/helpers/browser'
import { untilCached } from '#tests/helpers/page_cache'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

interface Raw {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/*
 * One request, its body as bytes (compressed bodies are compared after decoding).
 */
function fetchRaw(host: string, path: string, headers: Record<string, string> = {}, method = 'GET', port = process.env.PORT) {
  return new Promise<Raw>((resolve, reject) => {
    const request = http.request(
      { host: process.env.HOST, port, path, method, headers: { host, ...headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }))
      }
    )
    request.on('error', reject)
    request.end()
  })
}

const stored = (host: string, path = '/') => untilCached(() => fetchRaw(host, path), `${host}${path}`)

test.group('HTTP caching of public pages', () => {
  test('public pages carry a shared cache policy, validators and Vary; a current copy gets a 304', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('http_val'), { posts: 2 })
    const first = await fetchRaw(blog.domain, '/')
    assert.equal(first.status, 200)
    assert.match(first.headers['cache-control']!, /^public, max-age=\d+, s-maxage=\d+$/)
    assert.equal(first.headers.vary, 'Accept-Encoding, Cookie')
    assert.match(first.headers.etag!, /^"[\w-]{22}"$/)
    assert.isNotNaN(Date.parse(first.headers['last-modified']!))

    const hit = await stored(blog.domain)
    assert.equal(hit.headers.etag, first.headers.etag, 'the same page, the same validator')
    const validatorSets: Record<string, string>[] = [
      { 'if-none-match': first.headers.etag! },
      { 'if-modified-since': hit.headers['last-modified']! },
    ]
    for (const validators of validatorSets) {
      const again = await fetchRaw(blog.domain, '/', validators)
      assert.equal(again.status, 304, JSON.stringify(validators))
      assert.lengthOf(again.body, 0)
      assert.equal(again.headers.etag, first.headers.etag)
    }
    assert.equal((await fetchRaw(blog.domain, '/', { 'if-none-match': '"stale"' })).status, 200)

    const head = await fetchRaw(blog.domain, '/', {}, 'HEAD')
    assert.equal(head.status, 200)
    assert.lengthOf(head.body, 0)
    assert.equal(head.headers['content-length'], hit.headers['content-length'])
  })

  test('stored pages go out in brotli or gzip as negotiated, the same page decoded', async ({ assert }) => {
    const blog = await createBlog(uniqueName('http_enc'), { posts: 3 })
    const plain = await stored(blog.domain)
    const br = await fetchRaw(blog.domain, '/', { 'accept-encoding': 'gzip, deflate, br' })
    const gzip = await fetchRaw(blog.domain, '/', { 'accept-encoding': 'gzip, deflate' })
    assert.equal(br.headers['content-encoding'], 'br')
    assert.equal(gzip.headers['content-encoding'], 'gzip')
    assert.isUndefined(plain.headers['content-encoding'])
    assert.deepEqual(brotliDecompressSync(br.body), plain.body)
    assert.deepEqual(gunzipSync(gzip.body), plain.body)
    assert.isBelow(br.body.length, plain.body.length / 2)
  })

  test('a stored page is answered before the framework runs: no request id, no session, no transaction', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('http_fast'), { posts: 1 })
    // AdonisJS answers with the request id it was given; the early answer does not look.
    const probe = { 'x-request-id': 'probe-1' }
    const first = await fetchRaw(blog.domain, '/posts/post-1', probe)
    assert.equal(first.headers['x-request-id'], 'probe-1', 'rendered by AdonisJS')
    await stored(blog.domain, '/posts/post-1')
    const hit = await fetchRaw(blog.domain, '/posts/post-1', probe)
    assert.equal(hit.headers['x-page-cache'], 'hit')
    assert.isUndefined(hit.headers['x-request-id'], 'answered before AdonisJS made a context')
    assert.include(hit.headers['content-security-policy']!, "default-src 'self'")
    assert.equal(hit.headers['x-frame-options'], 'DENY')
  })

  test('with the page cache off, public pages keep one Vary, their validator and their 304', async ({ assert }) => {
    const blog = await createBlog(uniqueName('http_off'), { posts: 2 })
    const server = await startAppServer(3393, { PAGE_CACHE: 'off' })
    try {
      const get = (headers: Record<string, string> = {}) => fetchRaw(blog.domain, '/', headers, 'GET', String(server.port))
      const first = await get({ 'accept-encoding': 'gzip' })
      assert.equal(first.status, 200)
      assert.equal(first.headers['content-encoding'], 'gzip')
      assert.equal(first.headers.vary, 'Accept-Encoding, Cookie', 'named once each')
      assert.match(first.headers['cache-control']!, /^public, /)
      const again = await get()
      assert.isUndefined(again.headers['x-page-cache'], 'rendered anew')
      assert.equal(again.headers.etag, first.headers.etag)
      assert.equal((await get({ 'if-none-match': first.headers.etag! })).status, 304)
    } finally {
      await server.stop()
    }
  })

  test("an owner's pages are private and never stored; they are compressed when asked", async ({ assert }) => {
    const blog = await createBlog(uniqueName('http_owner'), { posts: 1 })
    const owner = new Browser()
    await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
    const cookie = [...owner.jar(blog.domain)].map(([name, value]) => `${name}=${value}`).join('; ')
    for (const path of ['/', '/dashboard']) {
      const page = await fetchRaw(blog.domain, path, { cookie, 'accept-encoding': 'gzip' })
      assert.equal(page.status, 200, path)
      assert.equal(page.headers['cache-control'], 'private, no-store', path)
      assert.isUndefined(page.headers['x-page-cache'], path)
      assert.equal(page.headers['content-encoding'], 'gzip', path)
      assert.include(gunzipSync(page.body).toString(), 'Dashboard', path)
    }
  })

  test('stylesheets have fingerprinted addresses, cached for a year', async ({ assert }) => {
    const blog = await createBlog(uniqueName('http_asset'))
    const page = await fetchRaw(blog.domain, '/')
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body.toString())![1]
    assert.match(href, /^\/assets\/css\/app\.[0-9a-f]{10}\.css$/)
    const css = await fetchRaw(blog.domain, href, { 'accept-encoding': 'br' })
    assert.equal(css.status, 200)
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8')
    assert.include(brotliDecompressSync(css.body).toString(), 'body')
    assert.equal((await fetchRaw(blog.domain, href, { 'if-none-match': css.headers.etag! })).status, 304)
  })

  test('every page names a favicon, and /favicon.ico answers on every host', async ({ assert }) => {
    const blog = await createBlog(uniqueName('http_icon'))
    const page = await fetchRaw(blog.domain, '/')
    const href = /<link rel="icon" href="([^"]+)">/.exec(page.body.toString())![1]
    assert.match(href, /^\/assets\/favicon\.[0-9a-f]{10}\.ico$/)
    for (const [host, path] of [[blog.domain, href], [blog.domain, '/favicon.ico'], ['localhost', '/favicon.ico']]) {
      const icon = await fetchRaw(host, path)
      assert.equal(icon.status, 200, `${host}${path}`)
      assert.equal(icon.headers['content-type'], 'image/x-icon')
      assert.deepEqual([...icon.body.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file')
    }
  })
})

