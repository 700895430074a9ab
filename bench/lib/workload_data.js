/*
 * The workload's data set (WORKLOAD.md section 2), generated deterministically in JS:
 * tenants t001..tNNN, 50 posts each, published iff i % 5 != 0, content "[<slug>/<i>] "
 * plus pseudo-random lowercase words in paragraphs, 2,001..2,014 characters, created_at
 * = now() - (50-i) * 7.3 days - n minutes. Our app addresses posts by slug: post i of a
 * tenant gets slug `post-<i>` (POST_PATH=/posts/post-%d for the wrk script).
 */
const WORDS = (
  'alpha bravo cedar delta ember fable gamma harbor island jovial kernel lumen meadow nectar ' +
  'orbit pepper quartz river saddle timber umbra velvet willow xenon yonder zephyr amber basil ' +
  'copper dune ether falcon glade hollow ivory jasper kettle lantern marble nimbus oasis pillow ' +
  'quiver ripple summit thistle upland vista wander yarrow zenith anchor bramble candle drift ' +
  'echo fern granite heron inlet juniper kelp lagoon mossy north opal prairie quill reed spruce ' +
  'tundra valley wren beacon cobalt dapple estuary fjord grove haze iris jetty knoll ledge'
).split(' ')

export const POSTS_PER_TENANT = 50
export const tenantSlug = (n) => `t${String(n).padStart(3, '0')}`
export const postSlug = (i) => `post-${i}`
export const isPublished = (i) => i % 5 !== 0
export const tenantName = (slug) => `Blog ${slug}`

function seedOf(text) {
  // FNV-1a, 32 bit
  let h = 0x811c9dc5
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

function rng(seed) {
  let a = seed >>> 0
  return () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function postTitle(slug, i) {
  const next = rng(seedOf(`title:${slug}/${i}`))
  const words = Array.from({ length: 5 }, () => WORDS[Math.floor(next() * WORDS.length)])
  return `${slug} post ${i}: ${words.join(' ')}`
}

export function postContent(slug, i) {
  const next = rng(seedOf(`content:${slug}/${i}`))
  const target = 2001 + Math.floor(next() * 14) // 2,001..2,014
  let text = `[${slug}/${i}] `
  let inParagraph = 1
  let paragraphLength = 40 + Math.floor(next() * 50)
  while (text.length < target) {
    if (inParagraph >= paragraphLength) {
      text = text.trimEnd() + '.\n\n'
      inParagraph = 0
      paragraphLength = 40 + Math.floor(next() * 50)
    }
    text += WORDS[Math.floor(next() * WORDS.length)] + ' '
    inParagraph++
  }
  text = text.slice(0, target)
  // never end on whitespace or a dangling paragraph break
  text = text.replace(/\s+$/, '')
  while (text.length < target) text += 'z'
  return text
}

/*
 * All posts of tenant number n (1-based), in insertion order i = 1..count.
 */
export function postsOf(n, count = POSTS_PER_TENANT, now = Date.now()) {
  const slug = tenantSlug(n)
  const posts = []
  for (let i = 1; i <= count; i++) {
    const createdAt = new Date(now - (count - i) * 7.3 * 86_400_000 - n * 60_000)
    posts.push({
      i,
      slug: postSlug(i),
      title: postTitle(slug, i),
      content: postContent(slug, i),
      isPublished: isPublished(i),
      createdAt,
    })
  }
  return posts
}

/*
 * What the app stores for such a post when it is saved: markdown-it's HTML for plain
 * paragraphs (the content holds nothing to escape or format) and the excerpt, as
 * app/services/markdown.ts makes them. Rendering 5,000 posts through the app's worker
 * would time the renderer, not the workload.
 */
export function renderedOf(content, length = 240) {
  const paragraphs = content.split('\n\n')
  const html = paragraphs.map((p) => `<p>${p}</p>\n`).join('')
  const text = paragraphs.join(' ').replace(/\s+/g, ' ').trim()
  if (text.length <= length) return { html, excerpt: text }
  const cut = text.slice(0, length)
  const lastSpace = cut.lastIndexOf(' ')
  return { html, excerpt: `${(lastSpace > length * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…` }
}

/*
 * The W1 expectation: ids of the 20 newest published posts, newest first.
 */
export function homeIds(count = POSTS_PER_TENANT, limit = 20) {
  const ids = []
  for (let i = count; i >= 1 && ids.length < limit; i--) if (isPublished(i)) ids.push(i)
  return ids
}
