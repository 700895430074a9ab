import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Post from '#models/post'
import { withTenant } from '#tenancy/tenant_scope'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { Browser } from '#tests/helpers/browser'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'

/*
 * The isolation workload shared by the in-process and the PgBouncer suites. Every post
 * title carries its tenant's marker TENANTMARK<n>END; a response or a row showing any
 * other tenant's marker is a leak.
 */
export interface LoadBlog {
  index: number
  schemaName: string
  host: string
  visitor: Browser
  stranger: Browser
}

export interface LoadReport {
  requests: number
  leaks: string[]
  unexpected: string[]
  writes: number
  failingRequests: number
  savepointRetries: number
  wrongSchemaRows: number
  lostWrites: number
}

const marker = (index: number) => `TENANTMARK${index}END`
const MARKERS = /TENANTMARK(\d+)END/g

export async function createLoadBlogs(count: number, postsEach = 5) {
  const blogs: Omit<LoadBlog, 'visitor' | 'stranger'>[] = []
  for (let index = 0; index < count; index++) {
    const blog = await createBlog(uniqueName('load'))
    await withTenant(blog, async () => {
      for (let i = 1; i <= postsEach; i++) {
        await Post.create({
          title: `${marker(index)} post ${i}`,
          slug: `post-${i}`,
          content: `${marker(index)} body ${i}`,
          authorId: blog.ownerId!,
          isPublished: true,
          publishedAt: DateTime.now().minus({ minutes: i }),
        })
      }
    })
    blogs.push({ index, schemaName: blog.schemaName, host: blog.domain })
  }
  return blogs
}

export async function logInOwners(base: string, blogs: Omit<LoadBlog, 'visitor' | 'stranger'>[]): Promise<LoadBlog[]> {
  const out: LoadBlog[] = []
  for (const blog of blogs) {
    const visitor = new Browser('127.0.0.1', base)
    const response = await visitor.login(blog.host, blog.schemaName, BLOG_PASSWORD)
    if (response.status !== 302) throw new Error(`login on ${blog.host} failed: ${response.status}\n${response.body.slice(0, 2000)}`)
    await visitor.get(blog.host, '/dashboard/posts/new')
    const stranger = new Browser('127.0.0.1', base)
    stranger.keepCookies = false
    out.push({ ...blog, visitor, stranger })
  }
  return out
}

function leakIn(body: string, index: number) {
  for (const match of body.matchAll(MARKERS)) {
    if (Number(match[1]) !== index) return match[0]
  }
  return null
}

/*
 * `requests` requests spread over every blog at `concurrency`, mixing reads, 404s that
 * fail inside their transaction, refused (invalid) writes, real writes, and bursts of
 * identical concurrent writes whose slug conflicts are resolved by rolled-back savepoints.
 */
export async function runIsolationLoad(blogs: LoadBlog[], requests: number, concurrency: number) {
  const report: LoadReport = {
    requests: 0,
    leaks: [],
    unexpected: [],
    writes: 0,
    failingRequests: 0,
    savepointRetries: 0,
    wrongSchemaRows: 0,
    lostWrites: 0,
  }
  const before = await postCounts(blogs)
  let issued = 0
  let seed = 42
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)

  const check = (blog: LoadBlog, label: string, status: number, expected: number[], body: string) => {
    report.requests++
    if (!expected.includes(status)) {
      // A refused form says why in its field errors.
      const why = [...body.matchAll(/class="(?:field-error|flash flash-error)"[^>]*>([^<]+)</g)].map((match) => match[1])
      report.unexpected.push(`${label} on ${blog.host}: ${status}${why.length ? ` (${why.join('; ')})` : ''}`)
    }
    const leak = leakIn(body, blog.index)
    if (leak) report.leaks.push(`${label} on ${blog.host} showed ${leak}`)
  }

  const one = async () => {
    const blog = blogs[Math.floor(random() * blogs.length)]
    const roll = random()
    if (roll < 0.25) {
      const response = await blog.visitor.get(blog.host, '/')
      check(blog, 'home', response.status, [200], response.body)
    } else if (roll < 0.5) {
      const path = random() < 0.5 ? '/' : `/posts/post-${1 + Math.floor(random() * 5)}`
      const response = await blog.stranger.get(blog.host, path)
      check(blog, 'anonymous page', response.status, [200], response.body)
    } else if (roll < 0.7) {
      const response = await blog.visitor.get(blog.host, `/posts/post-${1 + Math.floor(random() * 5)}`)
      check(blog, 'post', response.status, [200], response.body)
    } else if (roll < 0.8) {
      const response = await blog.visitor.get(blog.host, `/posts/missing-${Math.floor(random() * 1e6)}`)
      report.failingRequests++
      check(blog, 'missing post', response.status, [404], response.body)
    } else if (roll < 0.85) {
      const response = await blog.visitor.get(blog.host, '/dashboard')
      check(blog, 'dashboard', response.status, [200], response.body)
    } else if (roll < 0.95) {
      const response = await blog.visitor.post(blog.host, '/dashboard/posts', {
        title: `${marker(blog.index)} write ${Math.floor(random() * 3)}`,
        content: `${marker(blog.index)} written under load`,
        publish: 'on',
      })
      report.writes++
      check(blog, 'write', response.status, [302], response.body)
      savedOrSaid(blog, response, report)
    } else {
      const response = await blog.visitor.post(blog.host, '/dashboard/posts', { title: '', content: '' })
      report.failingRequests++
      check(blog, 'invalid write', response.status, [422], response.body)
    }
  }

  const worker = async () => {
    while (issued < requests) {
      issued++
      if (issued % 1000 === 0) await burst(blogs[Math.floor(random() * blogs.length)], report)
      else await one()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))

  const after = await postCounts(blogs)
  const added = [...after.values()].reduce((sum, n) => sum + n, 0) - [...before.values()].reduce((sum, n) => sum + n, 0)
  report.lostWrites = report.writes - added
  report.wrongSchemaRows = await wrongSchemaRows(blogs)
  report.savepointRetries = await retriedSlugs(blogs)
  return report
}

/*
 * Five identical posts at once on one blog: four of them lose the slug race at the
 * unique index, roll back their savepoint and retry with the next free slug.
 */
async function burst(blog: LoadBlog, report: LoadReport) {
  const title = `${marker(blog.index)} burst ${report.requests}`
  const responses = await Promise.all(
    Array.from({ length: 5 }, () =>
      blog.visitor.post(blog.host, '/dashboard/posts', { title, content: `${marker(blog.index)} burst`, publish: 'on' })
    )
  )
  for (const response of responses) {
    report.writes++
    report.requests++
    if (response.status !== 302) report.unexpected.push(`burst write on ${blog.host}: ${response.status}`)
    savedOrSaid(blog, response, report)
  }
}

/*
 * A write is saved only when it is sent back to the dashboard: a redirect anywhere else
 * (to log in again, say) saved nothing, and is reported with where it went.
 */
function savedOrSaid(blog: LoadBlog, response: { status: number; headers: Record<string, unknown> }, report: LoadReport) {
  const location = String(response.headers.location ?? '')
  if (response.status === 302 && !location.endsWith('/dashboard')) {
    report.unexpected.push(`write on ${blog.host} redirected to ${location}`)
  }
}

async function postCounts(blogs: LoadBlog[]) {
  const union = blogs
    .map((blog) => `select ${blog.index} as i, count(*)::int as n from "${blog.schemaName}".posts`)
    .join(' union all ')
  const { rows } = await db.rawQuery(union)
  return new Map<number, number>(rows.map((row: any) => [row.i, row.n]))
}

async function wrongSchemaRows(blogs: LoadBlog[]) {
  const union = blogs
    .map(
      (blog) =>
        `select count(*)::int as n from "${blog.schemaName}".posts
          where title not like '${marker(blog.index)}%' or content not like '${marker(blog.index)}%'`
    )
    .join(' union all ')
  const { rows } = await db.rawQuery(`select coalesce(sum(n), 0)::int as n from (${union}) t`)
  return rows[0].n
}

async function retriedSlugs(blogs: LoadBlog[]) {
  const union = blogs
    .map((blog) => `select count(*)::int as n from "${blog.schemaName}".posts where slug ~ '-burst-\\d+-[2-9]$'`)
    .join(' union all ')
  const { rows } = await db.rawQuery(`select coalesce(sum(n), 0)::int as n from (${union}) t`)
  return rows[0].n
}
