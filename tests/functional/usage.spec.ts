import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { jsonOutput, runAce } from '#tests/helpers/ace'
import { startAppServer } from '#tests/helpers/app_server'
import { Browser } from '#tests/helpers/browser'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

interface UsageRow {
  schema: string
  requests: number
  cachedRequests: number
  dynamicRequests: number
  bytesServed: number
  storageBytes: number
  posts: number
  lastRequestAt: string | null
}

async function usageOf(tenantId: number) {
  const { rows } = await db.rawQuery(
    `select coalesce(sum(cached_requests), 0)::int as cached, coalesce(sum(dynamic_requests), 0)::int as dynamic,
            coalesce(sum(bytes_served), 0)::int as bytes, count(*)::int as days
       from public.tenant_usage where tenant_id = ?`,
    [tenantId]
  )
  return rows[0] as { cached: number; dynamic: number; bytes: number; days: number }
}

test.group('Per-tenant usage', () => {
  test('every request a blog is served is counted, cached or rendered, and saved in batches and at shutdown', async ({
    assert,
  }) => {
    const busy = await createBlog(uniqueName('usage'), { posts: 2 })
    const quiet = await createBlog(uniqueName('usage_quiet'))
    const server = await startAppServer(3399, { USAGE_FLUSH_MS: '600000', PAGE_CACHE: 'on' })
    const reader = new Browser('127.0.0.1', server.url)
    reader.keepCookies = false
    let received = 0
    const read = async (host: string, path: string) => {
      const reply = await reader.get(host, path)
      if (host === busy.domain) received += Buffer.byteLength(reply.body)
      return reply
    }
    try {
      for (let i = 0; i < 10; i++) assert.equal((await read(busy.domain, '/')).status, 200)
      for (let i = 0; i < 3; i++) assert.equal((await read(busy.domain, '/posts/post-1')).status, 200)
      for (let i = 0; i < 2; i++) assert.equal((await read(busy.domain, `/posts/missing-${i}`)).status, 404)
      for (let i = 0; i < 5; i++) await read(`nobody-${i}.example.test`, '/')
      assert.deepEqual(await usageOf(busy.id), { cached: 0, dynamic: 0, bytes: 0, days: 0 }, 'nothing saved before a flush')
    } finally {
      await server.stop()
    }
    const saved = await usageOf(busy.id)
    assert.equal(saved.cached + saved.dynamic, 15, 'every request, counted once')
    assert.isAtLeast(saved.cached, 10, 'repeat reads came from the page cache')
    assert.isAtLeast(saved.dynamic, 4, 'first reads and 404s were rendered')
    assert.equal(saved.bytes, received, 'bytes served are the bodies the reader got')
    assert.equal(saved.days, 1)
    assert.deepEqual(await usageOf(quiet.id), { cached: 0, dynamic: 0, bytes: 0, days: 0 })

    const flushing = await startAppServer(3399, { USAGE_FLUSH_MS: '200' })
    try {
      const reader2 = new Browser('127.0.0.1', flushing.url)
      reader2.keepCookies = false
      await reader2.get(busy.domain, '/posts/post-2')
      const deadline = Date.now() + 5_000
      while ((await usageOf(busy.id)).dynamic + (await usageOf(busy.id)).cached < 16 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const added = await usageOf(busy.id)
      assert.equal(added.cached + added.dynamic, 16, 'a running server saves its counts every USAGE_FLUSH_MS')
      assert.equal(added.days, 1, 'added to the same day')
    } finally {
      await flushing.stop()
    }

    const report = jsonOutput<UsageRow[]>(await runAce(['tenants:usage', '--json']))
    const row = report.find((entry) => entry.schema === busy.schemaName)!
    assert.equal(row.requests, 16)
    assert.equal(row.posts, 2)
    assert.isAbove(row.storageBytes, 0)
    assert.isNotNull(row.lastRequestAt)
    assert.equal(report.find((entry) => entry.schema === quiet.schemaName)!.requests, 0)

    const top = jsonOutput<UsageRow[]>(await runAce(['tenants:usage', '--top', '1', '--json']))
    assert.lengthOf(top, 1)
    assert.equal(top[0].requests, Math.max(...report.map((entry) => entry.requests)))
    const bySize = jsonOutput<UsageRow[]>(await runAce(['tenants:usage', '--sort', 'storage', '--json']))
    assert.deepEqual(
      bySize.map((entry) => entry.storageBytes),
      [...bySize.map((entry) => entry.storageBytes)].sort((a, b) => b - a)
    )
    const listed = jsonOutput<{ schema: string; requests30d: number; storageBytes: number }[]>(
      await runAce(['tenants:list', '--json'])
    )
    assert.equal(listed.find((entry) => entry.schema === busy.schemaName)?.requests30d, 16)

    for (const bad of [['--since', 'last week'], ['--sort', 'colour'], ['--top', '0']]) {
      const refused = await runAce(['tenants:usage', ...bad])
      assert.equal(refused.exitCode, 1, bad.join(' '))
    }
  }).timeout(120_000)
})
