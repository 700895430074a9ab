/*
 * Correctness check before timing (WORKLOAD.md §4), over HTTP only: for every tenant W1 is
 * 200 and lists exactly the 20 newest published titles of this tenant, newest first, each
 * linking to its post and showing (at least) the first 200 characters of the content; W2 is
 * 200 for published posts 49, 26 and 1 (title, `[slug/i]` tag, end of the body) and 404 for
 * draft 5; an unknown host is not 200. Returns { ok, failures, checked }.
 */
import http from 'node:http'
import { homeIds, postContent, postSlug, postTitle, tenantSlug } from './workload_data.js'

export function get(port, host, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout on ${host}${path}`)))
  })
}

const unescape = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
const flat = (s) => s.replace(/\s+/g, ' ').trim()
const text = (html) => flat(unescape(html.replace(/<[^>]*>/g, ' ')))

export async function checkResponses({ port, tenants, suffix = '.localhost', postPath = (i) => `/posts/${postSlug(i)}`, perPage = 20, maxFailures = 20 }) {
  const failures = []
  const fail = (message) => failures.length < maxFailures && failures.push(message)
  const expectedIds = homeIds(50, perPage)
  let checked = 0
  for (let n = 1; n <= tenants; n++) {
    const slug = tenantSlug(n)
    const host = slug + suffix
    const home = await get(port, host, '/')
    checked++
    if (home.status !== 200) {
      fail(`${host} / -> ${home.status}`)
      continue
    }
    const links = [...home.body.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)]
      .map((m) => ({ href: m[1], title: unescape(m[2]) }))
      .filter((link) => /^t\d+ post \d+:/.test(link.title))
    const titles = links.map((link) => link.title)
    const wanted = expectedIds.map((i) => postTitle(slug, i))
    if (titles.join('|') !== wanted.join('|')) {
      fail(`${host} / shows ${titles.length} post titles [${titles.slice(0, 3).join('; ')}...], expected ${wanted.length} [${wanted.slice(0, 3).join('; ')}...]`)
    }
    const pageText = text(home.body)
    for (const i of expectedIds) {
      const link = links.find((l) => l.title === postTitle(slug, i))
      if (link && !link.href.replace(/\/$/, '').endsWith(postPath(i).replace(/\/$/, ''))) {
        fail(`${host} / links post ${i} to ${link.href}, expected ${postPath(i)}`)
      }
      const excerpt = flat(postContent(slug, i).slice(0, 200))
      if (!pageText.includes(excerpt)) {
        fail(`${host} / lacks the 200-character excerpt of post ${i} ("${excerpt.slice(0, 40)}...")`)
        break
      }
    }
    for (const i of [49, 26, 1]) {
      const page = await get(port, host, postPath(i))
      checked++
      const content = postContent(slug, i)
      const body = text(page.body)
      if (page.status !== 200) fail(`${host} ${postPath(i)} -> ${page.status}`)
      else if (!body.includes(postTitle(slug, i))) fail(`${host} ${postPath(i)} lacks its title`)
      else if (!body.includes(`[${slug}/${i}]`)) fail(`${host} ${postPath(i)} lacks its [${slug}/${i}] tag`)
      else if (!body.includes(flat(content.slice(-60)))) fail(`${host} ${postPath(i)} lacks the end of its body`)
    }
    const draft = await get(port, host, postPath(5))
    checked++
    if (draft.status !== 404) fail(`${host} ${postPath(5)} (draft) -> ${draft.status}, expected 404`)
  }
  const unknown = await get(port, `nosuchblog${suffix}`, '/')
  checked++
  if (unknown.status === 200) fail(`unknown host answered 200`)
  return { ok: failures.length === 0, failures, checked }
}
