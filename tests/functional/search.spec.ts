import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Post from '#models/post'
import { runAce } from '#tests/helpers/ace'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { withTenant } from '#tenancy/tenant_scope'

type Blog = Awaited<ReturnType<typeof createBlog>>

async function write(blog: Blog, posts: { title: string; content: string; published?: boolean; minutesAgo?: number }[]) {
  await withTenant(blog, async () => {
    for (const [index, post] of posts.entries()) {
      await Post.create({
        title: post.title,
        slug: `${uniqueName('p').replaceAll('_', '-')}-${index}`,
        content: post.content,
        authorId: blog.ownerId!,
        isPublished: post.published ?? true,
        publishedAt: DateTime.now().minus({ minutes: post.minutesAgo ?? index }),
      })
    }
  })
}

function titles(body: string) {
  return [...body.matchAll(/<h2><a href="[^"]+">([^<]+)<\/a><\/h2>/g)].map((match) => match[1])
}

test.group('Search', () => {
  test('finds published posts by their words, titles first, with the words marked', async ({ assert }) => {
    const blog = await createBlog(uniqueName('search'))
    const other = await createBlog(uniqueName('search_other'))
    await write(blog, [
      { title: 'Tuning autovacuum', content: 'How the daemon decides when to run.' },
      { title: 'A week of gardening', content: 'Between the tomatoes I read about autovacuum and its thresholds.' },
      { title: 'Unfinished autovacuum notes', content: 'autovacuum autovacuum', published: false },
      { title: 'Cooking', content: 'Nothing about databases.' },
    ])
    await write(other, [{ title: 'Autovacuum elsewhere', content: 'autovacuum' }])
    const reader = new Browser()

    const page = await reader.get(blog.domain, '/search?q=autovacuum')
    assert.equal(page.status, 200)
    assert.deepEqual(titles(page.body), ['Tuning autovacuum', 'A week of gardening'], 'title matches rank first; drafts and other blogs never show')
    assert.include(page.body, 'I read about <mark>autovacuum</mark> and its thresholds')

    const stemmed = await reader.get(blog.domain, '/search?q=decided')
    assert.deepEqual(titles(stemmed.body), ['Tuning autovacuum'], 'words match in any form')
    const phrase = await reader.get(blog.domain, `/search?q=${encodeURIComponent('"read about" -tomatoes')}`)
    assert.deepEqual(titles(phrase.body), [])
    assert.include(phrase.body, 'No post matches.')
    assert.include((await reader.get(blog.domain, '/')).body, 'href="/search"', 'the blog links its search')
  })

  test('any input is safe: markup, SQL, query syntax, NUL, arrays and long queries', async ({ assert }) => {
    const blog = await createBlog(uniqueName('search_hostile'))
    await write(blog, [{ title: 'Markup <b>inside</b>', content: 'A post about <script>alert(1)</script> scripts and & ampersands' }])
    const reader = new Browser()

    const markup = await reader.get(blog.domain, `/search?q=${encodeURIComponent('<script>alert(1)</script>')}`)
    assert.equal(markup.status, 200)
    assert.notInclude(markup.body, '<script>alert(1)')
    assert.include(markup.body, 'value="&lt;script&gt;alert(1)&lt;/script&gt;"', 'the query is shown escaped')
    const found = await reader.get(blog.domain, '/search?q=scripts')
    assert.include(found.body, '<mark>scripts</mark> and &amp; ampersands', "the snippet's text is escaped, the match marked")
    assert.notInclude(found.body, '<script>alert(1)')

    for (const hostile of ["'; drop table posts; --", '!!! & | ( ) :* <-> \\', 'a:*', '"unclosed', '-', '🦄'.repeat(10)]) {
      const reply = await reader.get(blog.domain, `/search?q=${encodeURIComponent(hostile)}`)
      assert.equal(reply.status, 200, hostile)
    }
    const long = await reader.get(blog.domain, `/search?q=${encodeURIComponent('word '.repeat(100))}`)
    assert.equal(long.status, 422)
    assert.include(long.body, 'Search for at most 200 characters')
    assert.include(long.body, 'value="word word', 'the words are kept')
    assert.equal((await reader.get(blog.domain, '/search?q=a&q=b')).status, 422)
    assert.equal((await reader.get(blog.domain, '/search?q=%00')).status, 422)
    const { rows } = await db.rawQuery(`select count(*)::int as n from "${blog.schemaName}".posts`)
    assert.equal(rows[0].n, 1)
  })

  test('posts the text parser is slow on are indexed and searched within the time limits', async ({ assert }) => {
    const blog = await createBlog(uniqueName('search_slow'))
    // About 100 KB each (what is indexed): unclosed HTML comments took PostgreSQL's parser 8.6 s, a_a_a_… over 4 s.
    await write(blog, [
      { title: 'Comments', content: `${'<!-- '.repeat(19_000)} needle` },
      { title: 'Underscores', content: `${'a_'.repeat(49_000)} needle` },
    ])
    const reader = new Browser()
    const found = await reader.get(blog.domain, '/search?q=needle')
    assert.equal(found.status, 200)
    assert.sameMembers(titles(found.body), ['Comments', 'Underscores'])
  }).timeout(30_000)

  test('results come a page at a time; search can be turned off for a blog', async ({ assert }) => {
    const blog = await createBlog(uniqueName('search_pages'))
    await write(
      blog,
      Array.from({ length: 12 }, (_, i) => ({ title: `Lighthouse ${i + 1}`, content: 'keepers', minutesAgo: i }))
    )
    const reader = new Browser()
    const first = await reader.get(blog.domain, '/search?q=lighthouse')
    assert.lengthOf(titles(first.body), 10)
    assert.include(first.body, '/search?q=lighthouse&amp;page=2')
    const second = await reader.get(blog.domain, '/search?q=lighthouse&page=2')
    assert.lengthOf(titles(second.body), 2)
    assert.notInclude(second.body, 'page=3')
    assert.include((await reader.get(blog.domain, '/search?q=lighthouse&page=9')).body, 'No more posts match.')

    assert.equal((await runAce(['tenants:features', blog.schemaName, '--disable', 'search'])).exitCode, 0)
    let off = await reader.get(blog.domain, '/search?q=lighthouse')
    for (let i = 0; off.status !== 404 && i < 60; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      off = await reader.get(blog.domain, '/search?q=lighthouse')
    }
    assert.equal(off.status, 404)
    assert.include(off.body, 'Search is turned off for this blog')
    assert.notInclude((await reader.get(blog.domain, '/')).body, 'href="/search"')
  }).timeout(30_000)
})
