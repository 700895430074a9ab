import { DateTime } from 'luxon'
import type Post from '#models/post'
import type { TenantRef } from '#tenancy/types'
import { renderMarkdown } from '#services/markdown'

/*
 * Atom and sitemap documents. Every value goes through xml() and every link is absolute
 * on the blog's own host (`origin` is e.g. http://alice.localhost:3333).
 */
export function xml(value: string) {
  return value
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function postUrl(origin: string, post: Post) {
  return `${origin}/posts/${encodeURIComponent(post.slug)}`
}

export function atomFeed(blog: TenantRef, origin: string, posts: Post[]) {
  // An empty blog has never changed: the epoch keeps <updated> (required) well-formed.
  const updated = posts.reduce(
    (latest, post) => DateTime.max(latest, changedAt(post)),
    DateTime.fromMillis(0)
  )
  const entries = posts.map((post) => {
    const url = postUrl(origin, post)
    return `  <entry>
    <id>${xml(url)}</id>
    <title type="text">${xml(post.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <published>${(post.publishedAt ?? post.createdAt).toUTC().toISO()}</published>
    <updated>${changedAt(post).toUTC().toISO()}</updated>
    <author><name>${xml(post.author?.username ?? blog.name)}</name></author>
    <content type="html">${xml(renderMarkdown(post.content))}</content>
  </entry>`
  })
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(`${origin}/`)}</id>
  <title type="text">${xml(blog.name)}</title>
${blog.tagline ? `  <subtitle type="text">${xml(blog.tagline)}</subtitle>\n` : ''}  <link rel="self" type="application/atom+xml" href="${xml(`${origin}/feed.xml`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${origin}/`)}"/>
  <updated>${updated.toUTC().toISO()}</updated>
${entries.join('\n')}
</feed>
`
}

export function sitemap(origin: string, posts: Post[]) {
  const urls = [
    `  <url><loc>${xml(`${origin}/`)}</loc></url>`,
    ...posts.map(
      (post) =>
        `  <url><loc>${xml(postUrl(origin, post))}</loc><lastmod>${changedAt(post).toUTC().toISODate()}</lastmod></url>`
    ),
  ]
  return `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join('\n')}
</urlset>
`
}

function changedAt(post: Post): DateTime {
  return post.updatedAt ?? post.publishedAt ?? post.createdAt
}
