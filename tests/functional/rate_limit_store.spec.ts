import net from 'node:net'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import redis from '@adonisjs/redis/services/main'
import env from '#start/env'

const host = env.get('REDIS_HOST', '127.0.0.1')
const port = env.get('REDIS_PORT', 6379)

function reachable() {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host)
    socket.setTimeout(500, () => socket.destroy())
    socket.once('connect', () => (socket.end(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('close', () => resolve(false))
  })
}

const redisAnswers = await reachable()

/*
 * LIMITER_STORE=redis: every app process counts on the same counters, so the limit holds
 * across a cluster. Skipped where no Redis answers.
 */
test.group('Rate limits in Redis', (group) => {
  group.teardown(() => redis.quitAll())

  test('counters are shared: one limiter blocks what another counted', async ({ assert }) => {
    const options = { requests: 3, duration: '1 minute', blockDuration: '1 minute' }
    const key = `test_shared_${process.pid}_${Date.now()}`
    const first = limiter.use('redis', options)
    for (let i = 0; i < 3; i++) await first.consume(key)

    const second = limiter.use('redis', options)
    assert.equal((await second.get(key))!.remaining, 0)
    await assert.rejects(() => second.consume(key))
    await second.delete(key)
    assert.isNull(await first.get(key))
  }).skip(!redisAnswers, `no Redis at ${host}:${port}: the shared rate-limit store is not tested`)
})
