import { test } from '@japa/runner'
import { createLoadBlogs, logInOwners, runIsolationLoad } from '#tests/helpers/isolation_load'

const REQUESTS = Number(process.env.ISOLATION_REQUESTS ?? 20_000)

test.group('Isolation under concurrency', () => {
  test('100 tenants, mixed reads, failures, savepoint retries and writes: no leak, no misplaced write', async ({
    assert,
  }) => {
    const base = `http://${process.env.HOST}:${process.env.PORT}`
    const blogs = await logInOwners(base, await createLoadBlogs(100))
    const started = performance.now()
    const report = await runIsolationLoad(blogs, REQUESTS, 32)
    const seconds = (performance.now() - started) / 1000

    console.log(
      `  ${report.requests} requests over ${blogs.length} tenants in ${seconds.toFixed(1)} s ` +
        `(${(report.requests / seconds).toFixed(0)} req/s): ${report.writes} writes, ` +
        `${report.failingRequests} failing inside their transaction, ${report.savepointRetries} savepoint retries; ` +
        `leaks ${report.leaks.length}, misplaced rows ${report.wrongSchemaRows}, lost writes ${report.lostWrites}`
    )
    assert.isAtLeast(report.requests, REQUESTS)
    assert.deepEqual(report.leaks, [])
    assert.deepEqual(report.unexpected, [])
    assert.equal(report.wrongSchemaRows, 0)
    assert.equal(report.lostWrites, 0)
    assert.isAbove(report.savepointRetries, 0)
  }).timeout(900_000)
})
