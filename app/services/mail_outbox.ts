import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'

/*
 * Account mail is sent after the response, never on the request path: the page a visitor
 * gets does not wait on (or depend on) an SMTP server, holds no connection while one
 * answers, and takes the same time whether the address it was given has an account or
 * not. A job looks its rows up and writes its token (short queries on the public pool,
 * no transaction open), then talks to SMTP. At most CONCURRENCY jobs run at once and
 * MAX_PENDING wait; the forms that queue them are rate-limited, so the queue stays short.
 * A job that fails is logged (the user can ask again: every link can be requested anew).
 */
const CONCURRENCY = 2
const MAX_PENDING = 1000

type Job = { purpose: string; run: () => Promise<void> }

const queue: Job[] = []
let running = 0
let idle: { promise: Promise<void>; resolve: () => void } | null = null

export function sendLater(purpose: string, run: () => Promise<void>) {
  if (queue.length >= MAX_PENDING) {
    logger.error({ mail: { purpose, pending: queue.length } }, 'mail outbox full: message dropped')
    return
  }
  queue.push({ purpose, run })
  setImmediate(next)
}

/*
 * Resolves once every queued message has been handled (a stopping server waits for it).
 */
export function outboxSettled(): Promise<void> {
  if (running === 0 && queue.length === 0) return Promise.resolve()
  if (!idle) {
    let resolve!: () => void
    const promise = new Promise<void>((done) => (resolve = done))
    idle = { promise, resolve }
  }
  return idle.promise
}

function next() {
  while (running < CONCURRENCY && queue.length > 0) {
    const job = queue.shift()!
    running++
    job
      .run()
      .catch((error) => logger.error({ err: error, mail: { purpose: job.purpose } }, 'account mail could not be sent'))
      .finally(() => {
        running--
        if (running === 0 && queue.length === 0 && idle) {
          idle.resolve()
          idle = null
        }
        next()
      })
  }
}

app.terminating(() => outboxSettled())
