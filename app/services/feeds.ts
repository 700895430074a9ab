import blogConfig from '#config/blog'
import type { FeedEntry, SitemapEntry } from '#services/post_queries'
import type { TenantRef } from '#tenancy/types'

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

function postUrl(origin: string, slug: string) {
  return `${origin}/posts/${encodeURIComponent(slug)}`
}

const EPOCH = '1970-01-01T00:00:00.000Z'

/*
 * What a feed is of: the whole blog, or one of its tags (its own title and pages).
 */
export interface FeedChannel {
  title: string
  home: string
  self: string
}

/*
 * Entries carry their full HTML while the feed stays under feedMaxBytes; past that, their
 * excerpt, so twenty long posts cannot make a feed of megabytes.
 */
export function atomFeed(blog: TenantRef, origin: string, posts: FeedEntry[], channel?: FeedChannel) {
  const { title, home, self } = channel ?? { title: blog.name, home: '/', self: '/feed.xml' }
  // An empty blog has never changed: the epoch keeps <updated> (required) well-formed.
  // ISO dates in UTC compare as strings.
  const subtitle = blog.description || blog.tagline
  const updated = posts.reduce((latest, post) => (post.updatedAt > latest ? post.updatedAt : latest), EPOCH)
  let budget = blogConfig.feedMaxBytes
  const entries = posts.map((post) => {
    const url = postUrl(origin, post.slug)
    const html = xml(post.html)
    const body =
      html.length <= budget
        ? `<content type="html">${html}</content>`
        : `<summary type="text">${xml(post.excerpt)}</summary>`
    budget = Math.max(0, budget - html.length)
    return `  <entry>
    <id>${xml(url)}</id>
    <title type="text">${xml(post.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <published>${post.publishedAt}</published>
    <updated>${post.updatedAt}</updated>
    <author><name>${xml(post.author || blog.name)}</name></author>
    ${body}
  </entry>`
  })
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(`${origin}${home}`)}</id>
  <title type="text">${xml(title)}</title>
${subtitle ? `  <subtitle type="text">${xml(subtitle)}</subtitle>\n` : ''}  <link rel="self" type="application/atom+xml" href="${xml(`${origin}${self}`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${origin}${home}`)}"/>
  <updated>${updated}</updated>
${entries.join('\n')}
</feed>
`
}

/*
 * The sitemap is an index of child sitemaps of at most sitemapUrlsPerFile posts each, so
 * no request lists a whole large blog at once.
 */
export function sitemapIndex(origin: string, files: number) {
  const sitemaps = Array.from(
    { length: Math.max(1, files) },
    (_, i) => `  <sitemap><loc>${xml(`${origin}/sitemaps/posts-${i + 1}.xml`)}</loc></sitemap>`
  )
  return `<?xml version="1.0" encoding="utf-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${sitemaps.join('\n')}
</sitemapindex>
`
}

export function sitemapFile(origin: string, posts: SitemapEntry[], withHome: boolean) {
  const urls = [
    ...(withHome ? [`  <url><loc>${xml(`${origin}/`)}</loc></url>`] : []),
    ...posts.map(
      (post) =>
        `  <url><loc>${xml(postUrl(origin, post.slug))}</loc><lastmod>${post.changedOn}</lastmod></url>`
    ),
  ]
  return `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join('\n')}
</urlset>
`
}
