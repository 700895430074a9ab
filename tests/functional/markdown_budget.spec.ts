import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import tenancy from '#tenancy/service'
import postRenderer, { PostRenderer, RenderRefused } from '#services/post_renderer'
import { Browser } from '#tests/helpers/browser'
import { runAce } from '#tests/helpers/ace'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'
import { PATHOLOGICAL_CLASSES } from '../../bench/markdown_parsers.js'

const INPUT_BYTES = 100_000

async function paidBlog(prefix: string) {
  const blog = await createBlog(uniqueName(prefix))
  await db.from('public.tenants').where('id', blog.id).update({ on_trial: false, plan: 'basic' })
  tenancy.resolver.changed({ tenantIds: [blog.id], hosts: [] })
  const owner = new Browser()
  await owner.login(blog.domain, blog.schemaName, BLOG_PASSWORD)
  await owner.get(blog.domain, '/dashboard/posts/new')
  return { blog, owner }
}

test.group('Markdown: rendered once, on save, within a budget', () => {
  test("CommonMark's pathological classes render in bounded time or are refused with a clear message", async ({
    assert,
  }) => {
    const { blog, owner } = await paidBlog('md_patho')
    const lines: string[] = []
    let saved = 0
    for (const [name, build] of Object.entries(PATHOLOGICAL_CLASSES)) {
      const content = build(INPUT_BYTES)
      const started = performance.now()
      const reply = await owner.post(blog.domain, '/dashboard/posts', { title: name, content }, { page: '/dashboard/posts/new' })
      const ms = performance.now() - started
      lines.push(`${name}: ${reply.status} in ${ms.toFixed(0)} ms`)
      assert.include([302, 422], reply.status, name)
      assert.isBelow(ms, 4000, `${name} is answered within the render budget`)
      if (reply.status === 302) saved++
      else assert.match(reply.body, /nested at most \d+ levels deep|too complex to display/, name)
    }
    console.log(`  ${INPUT_BYTES / 1000} KB each: ${lines.join('; ')}`)

    const { rows } = await db.rawQuery(`select count(*)::int as n, count(html)::int as rendered from ${blog.schemaName}.posts`)
    assert.deepEqual(rows[0], { n: saved, rendered: saved }, 'every saved post has its HTML; refused ones are not saved')
    const reader = new Browser()
    for (const path of ['/', '/feed.xml', '/sitemap.xml', '/sitemaps/posts-1.xml']) {
      assert.equal((await reader.get(blog.domain, path)).status, 200, path)
    }
  }).timeout(120_000)

  test('a quote nested 20,000 deep is refused, and the form comes back with the text', async ({ assert }) => {
    const { blog, owner } = await paidBlog('md_deep')
    const content = `${'> '.repeat(20_000)}deep`
    const reply = await owner.post(blog.domain, '/dashboard/posts', { title: 'Deep', content }, { page: '/dashboard/posts/new' })
    assert.equal(reply.status, 422)
    assert.include(reply.body, 'Quotes and lists can be nested at most 16 levels deep.')
    assert.include(reply.body, '&gt; &gt; &gt; &gt;')
    assert.include(reply.body, 'value="Deep"')
    const { rows } = await db.rawQuery(`select count(*)::int as n from ${blog.schemaName}.posts`)
    assert.equal(rows[0].n, 0)
  })

  test('a render past its time budget is refused, and the renderer recovers for the next post', async ({ assert }) => {
    const renderer = new PostRenderer({ budgetMs: 1, maxNesting: 16, queueLimit: 4, idleMs: 1000 })
    try {
      await renderer.render('warm *up*').catch(() => {})
      const slow = PATHOLOGICAL_CLASSES['mixed emphasis delimiter runs'](200_000)
      await assert.rejects(() => renderer.render(slow), RenderRefused as any)
      const error = await renderer.render(slow).catch((refused) => refused)
      assert.include(error.message, 'too complex to display')
    } finally {
      await renderer.stop()
    }
    const patient = new PostRenderer({ budgetMs: 5000, maxNesting: 16, queueLimit: 4, idleMs: 1000 })
    try {
      assert.equal((await patient.render('**bold**')).html.trim(), '<p><strong>bold</strong></p>')
    } finally {
      await patient.stop()
    }
  }).timeout(30_000)

  test('a post being rendered holds no connection and no open transaction', async ({ assert }) => {
    const { blog, owner } = await paidBlog('md_noslot')
    const original = postRenderer.render
    let renderStarted!: () => void
    let finishRender!: () => void
    const started = new Promise<void>((resolve) => (renderStarted = resolve))
    const gate = new Promise<void>((resolve) => (finishRender = resolve))
    postRenderer.render = async (source: string) => {
      renderStarted()
      await gate
      return original.call(postRenderer, source)
    }
    try {
      const leasesBefore = tenancy.connections.stats.leases
      const saving = owner.post(blog.domain, '/dashboard/posts', { title: 'Slow to render', content: 'Hello *there*' }, { page: '/dashboard/posts/new' })
      await started
      const { rows } = await db.rawQuery(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`
      )
      assert.equal(rows[0].n, 0, 'no transaction is open while the post renders')
      assert.equal(tenancy.connections.stats.leases, leasesBefore, 'no tenant slot was taken yet')
      finishRender()
      assert.equal((await saving).status, 302)
    } finally {
      postRenderer.render = original
      finishRender()
    }
    const { rows } = await db.rawQuery(`select html from ${blog.schemaName}.posts`)
    assert.deepEqual(rows.map((row: { html: string }) => row.html.trim()), ['<p>Hello <em>there</em></p>'])
  })

  test('pages show the stored HTML and never render Markdown; a post never rendered shows as text', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('md_stored'))
    await db.table(`${blog.schemaName}.posts`).insert([
      {
        title: 'Stored',
        slug: 'stored',
        content: '**not what pages show**',
        html: '<p>the stored <em>HTML</em></p>',
        excerpt: 'the stored excerpt',
        author_id: blog.ownerId,
        is_published: true,
        published_at: new Date(),
        created_at: new Date(),
      },
      {
        title: 'Never rendered',
        slug: 'raw',
        content: `${'[a'.repeat(30_000)} <script>x</script>`,
        author_id: blog.ownerId,
        is_published: true,
        published_at: new Date(Date.now() - 1000),
        created_at: new Date(),
      },
    ])
    const reader = new Browser()
    const home = await reader.get(blog.domain, '/')
    assert.include(home.body, 'the stored excerpt')
    const stored = await reader.get(blog.domain, '/posts/stored')
    assert.include(stored.body, '<p>the stored <em>HTML</em></p>')
    assert.notInclude(stored.body, '<strong>')
    const raw = await reader.get(blog.domain, '/posts/raw')
    assert.equal(raw.status, 200)
    assert.include(raw.body, '&lt;script&gt;x&lt;/script&gt;')
    const feed = await reader.get(blog.domain, '/feed.xml')
    assert.include(feed.body, '&lt;p&gt;the stored &lt;em&gt;HTML&lt;/em&gt;&lt;/p&gt;')
  })

  test('tenants:migrate renders the posts of a blog that predates stored HTML', async ({ assert }) => {
    const blog = await createBlog(uniqueName('md_backfill'))
    const schema = blog.schemaName
    await db.rawQuery(`alter table ${schema}.posts drop column html, drop column excerpt`)
    await db.rawQuery(
      `delete from public.tenant_migrations where tenant_id = ? and name = '0002_add_rendered_html_to_posts'`,
      [blog.id]
    )
    await db.table(`${schema}.posts`).insert([
      { title: 'Bold', slug: 'bold', content: 'Some **bold** text', author_id: blog.ownerId, is_published: true, published_at: new Date(), created_at: new Date() },
      { title: 'Deep', slug: 'deep', content: `${'> '.repeat(5000)}deep`, author_id: blog.ownerId, is_published: true, published_at: new Date(), created_at: new Date() },
    ])

    const migrated = await runAce(['tenants:migrate', '--tenant', schema])
    assert.equal(migrated.exitCode, 0, migrated.stdout + migrated.stderr)
    const { rows } = await db.rawQuery(`select slug, html, excerpt from ${schema}.posts order by slug`)
    assert.equal(rows[0].slug, 'bold')
    assert.equal(rows[0].html.trim(), '<p>Some <strong>bold</strong> text</p>')
    assert.equal(rows[0].excerpt, 'Some bold text')
    assert.equal(rows[1].slug, 'deep')
    assert.match(rows[1].html, /^<p>&gt; &gt; /, 'a post that cannot be rendered keeps its text')
  }).timeout(60_000)
})
