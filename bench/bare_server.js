/*
 * The physical limit for W1/W2: node:http + pg, no framework, same cluster layout as the
 * app (WEB_CONCURRENCY workers, a pg pool of DB_POOL_MAX each), the same per-request SQL
 * as the app's tenant scope (BEGIN; set_config search_path + statement_timeout local; the
 * post query joined with the author; COMMIT; BARE_SQL=single: the query alone, schema-
 * qualified, to show the ceiling of fewer round trips), an in-process host cache like the app's
 * resolver, and an HTML page of the same shape.
 *
 *   WEB_CONCURRENCY=2 DB_POOL_MAX=10 PORT=3391 DB_HOST=... node bench/bare_server.js
 *
 * BARE_MODE=memory: the same pages, rendered once per worker and then answered from a Map
 * (the ceiling for the app's page cache hits: node:http writing stored bytes).
 */
import cluster from 'node:cluster'
import http from 'node:http'
import { availableParallelism } from 'node:os'
import pg from 'pg'

const PER_PAGE = Number(process.env.BLOG_POSTS_PER_PAGE ?? 20)
const EXCERPT = 200

if (cluster.isPrimary && process.env.WEB_CONCURRENCY !== '0') {
  const count = Number(process.env.WEB_CONCURRENCY) || availableParallelism()
  for (let i = 0; i < count; i++) cluster.fork()
  let stopping = false
  const stop = () => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
  }
  cluster.on('exit', () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
  })
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} else {
  const pool = new pg.Pool({
    ...(process.env.DATABASE_URL
      ? { connectionString: process.env.DATABASE_URL }
      : {
          host: process.env.DB_HOST,
          port: Number(process.env.DB_PORT ?? 5432),
          user: process.env.DB_USER,
          password: process.env.DB_PASSWORD,
          database: process.env.DB_DATABASE,
        }),
    max: Number(process.env.DB_POOL_MAX ?? 10),
    application_name: 'echoblogs-bare',
  })
  const timeout = String(process.env.DB_STATEMENT_TIMEOUT_MS ?? 15000)
  const cache = new Map()

  async function tenantOf(host) {
    const hit = cache.get(host)
    if (hit !== undefined) return hit
    const { rows } = await pool.query(
      `select t.id, t.name, t.schema_name from public.domains d
         join public.tenants t on t.id = d.tenant_id where d.domain = $1`,
      [host]
    )
    const tenant = rows[0] ?? null
    cache.set(host, tenant)
    return tenant
  }

  // BARE_SQL=single: one schema-qualified statement, no transaction (a ceiling, not the
  // app's safety model); default: the app's BEGIN / set_config / query / COMMIT.
  const single = process.env.BARE_SQL === 'single'

  async function inScope(tenant, sql, params) {
    if (single) {
      const qualified = sql.replace(/from posts/, `from ${pg.escapeIdentifier(tenant.schema_name)}.posts`)
      return (await pool.query(qualified, params)).rows
    }
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await client.query(
        `select set_config('search_path', $1, true), set_config('statement_timeout', $2, true)`,
        [pg.escapeIdentifier(tenant.schema_name), timeout]
      )
      const { rows } = await client.query(sql, params)
      await client.query('COMMIT')
      client.release()
      return rows
    } catch (error) {
      client.release(error)
      throw error
    }
  }

  const escapeHtml = (s) =>
    String(s).replace(/[&<>"']/g, (c) =>
      c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'
    )
  const isoDate = (d) => d.toISOString().slice(0, 10)

  const layout = (tenant, title, body) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title ? escapeHtml(title) + ' · ' : ''}${escapeHtml(tenant.name)}</title>
  <link rel="stylesheet" href="/css/app.css">
  <link rel="alternate" type="application/atom+xml" title="${escapeHtml(tenant.name)}" href="/feed.xml">
</head>
<body>
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="site-header">
    <nav class="wrap nav" aria-label="Site">
      <a class="brand" href="/">${escapeHtml(tenant.name)}</a>
      <ul class="nav-links"><li><a href="/login">Log in</a></li></ul>
    </nav>
  </header>
  <main class="wrap" id="main">
${body}
  </main>
  <footer class="site-footer"><div class="wrap"><a href="/feed.xml">Atom feed</a> · Hosted on <a href="http://localhost/">EchoBlogs</a></div></footer>
</body>
</html>`

  async function home(tenant) {
    const rows = await inScope(
      tenant,
      `select p.id, p.title, p.slug, p.content, p.published_at, u.username
         from posts p join public.users u on u.id = p.author_id
        where p.is_published order by p.published_at desc, p.id desc limit $1`,
      [PER_PAGE]
    )
    const items = rows
      .map(
        (p) => `      <li class="post-summary">
        <h2><a href="/posts/${escapeHtml(p.slug)}">${escapeHtml(p.title)}</a></h2>
        <p class="meta">by ${escapeHtml(p.username)} on <time datetime="${p.published_at.toISOString()}">${isoDate(p.published_at)}</time></p>
        <p class="excerpt">${escapeHtml(p.content.slice(0, EXCERPT))}</p>
      </li>`
      )
      .join('\n')
    return layout(
      tenant,
      null,
      `  <header class="blog-header"><h1>${escapeHtml(tenant.name)}</h1></header>\n    <ol class="posts">\n${items}\n    </ol>`
    )
  }

  async function post(tenant, slug) {
    const rows = await inScope(
      tenant,
      `select p.id, p.title, p.content, p.published_at, u.username
         from posts p join public.users u on u.id = p.author_id
        where p.slug = $1 and p.is_published limit 1`,
      [slug]
    )
    const p = rows[0]
    if (!p) return null
    const paragraphs = p.content
      .split(/\n\n+/)
      .map((text) => `<p>${escapeHtml(text)}</p>`)
      .join('\n')
    return layout(
      tenant,
      p.title,
      `  <article class="post">
    <h1>${escapeHtml(p.title)}</h1>
    <p class="meta">by ${escapeHtml(p.username)} on <time datetime="${p.published_at.toISOString()}">${isoDate(p.published_at)}</time></p>
    <div class="content">${paragraphs}</div>
  </article>
  <p><a href="/">← All posts</a></p>`
    )
  }

  const send = (res, status, html) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
    })
    res.end(html)
  }

  const memory = process.env.BARE_MODE === 'memory' ? new Map() : null

  const server = http.createServer(async (req, res) => {
    const stored = memory?.get(`${req.headers.host} ${req.url}`)
    if (stored) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': stored.length })
      return res.end(stored)
    }
    try {
      const host = String(req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '')
      const tenant = host ? await tenantOf(host) : null
      if (!tenant) return send(res, 404, '<!doctype html><title>No blog here</title><h1>No blog here</h1>')
      const path = (req.url ?? '/').split('?')[0]
      const remember = (html) => {
        memory?.set(`${req.headers.host} ${req.url}`, Buffer.from(html))
        return send(res, 200, html)
      }
      if (path === '/') return remember(await home(tenant))
      const match = /^\/posts\/([^/]+)\/?$/.exec(path)
      if (match) {
        const html = await post(tenant, decodeURIComponent(match[1]))
        return html ? remember(html) : send(res, 404, '<!doctype html><h1>Not found</h1>')
      }
      send(res, 404, '<!doctype html><h1>Not found</h1>')
    } catch (error) {
      console.error(error)
      send(res, 500, '<!doctype html><h1>Server error</h1>')
    }
  })
  server.keepAliveTimeout = 65_000
  server.listen(Number(process.env.PORT ?? 3391), process.env.HOST ?? '127.0.0.1')
  process.on('SIGTERM', () => {
    server.close()
    server.closeAllConnections?.()
    pool.end().finally(() => process.exit(0))
  })
}
