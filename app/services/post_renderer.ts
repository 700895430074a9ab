import { Worker } from 'node:worker_threads'
import blogConfig from '#config/blog'
import type { RenderedPost } from '#services/markdown'

/*
 * Why a post could not be rendered, in words for its writer.
 */
export class RenderRefused extends Error {}

const TOO_SLOW =
  'This post is too complex to display: it could not be rendered in time. Simplify its formatting ' +
  '(long runs of *, _ or [ without their closing pair, very deep nesting) or split it into several posts.'
const BUSY = 'Too many posts are being saved right now. Please try again in a moment.'
const FAILED = 'This post could not be rendered. Please check its formatting and try again.'
const PREVIEW_BUSY = 'The preview is paused while many posts are being saved.'

interface Job {
  source: string
  resolve: (rendered: RenderedPost) => void
  reject: (error: Error) => void
}

interface RendererOptions {
  budgetMs: number
  maxNesting: number
  queueLimit: number
  idleMs: number
}

/*
 * Renders Markdown in a worker thread, one post at a time, each within a time budget: a
 * post that takes longer is refused and the worker is terminated (a new one starts for the
 * next post). The queue is bounded, and an idle worker is let go to return its memory.
 * The event loop that serves pages never parses Markdown.
 */
export class PostRenderer {
  #worker?: Promise<Worker>
  #jobs: Job[] = []
  #busy = false
  #idleTimer?: NodeJS.Timeout

  constructor(private options: RendererOptions) {}

  render(source: string): Promise<RenderedPost> {
    if (this.#jobs.length >= this.options.queueLimit) return Promise.reject(new RenderRefused(BUSY))
    return this.#enqueue(source)
  }

  /*
   * A preview waits only in a short queue: three quarters of the queue stay for posts
   * being saved, whatever the editors open at the time.
   */
  preview(source: string): Promise<RenderedPost> {
    if (this.#jobs.length >= Math.floor(this.options.queueLimit / 4)) return Promise.reject(new RenderRefused(PREVIEW_BUSY))
    return this.#enqueue(source)
  }

  #enqueue(source: string): Promise<RenderedPost> {
    return new Promise((resolve, reject) => {
      this.#jobs.push({ source, resolve, reject })
      this.#next()
    })
  }

  /*
   * Starts the worker before the first post arrives. Started on demand, its start-up (a
   * V8 isolate and markdown-it; seconds when the app runs from TypeScript) is time in which
   * the posts saved meanwhile fill the queue and are refused as busy. It still stops after
   * a quiet `idleMs`.
   */
  warm() {
    if (this.#worker) return
    const worker = (this.#worker = this.#start())
    worker.catch(() => {
      if (this.#worker === worker) this.#worker = undefined
    })
    this.#idleTimer = setTimeout(() => this.stop(), this.options.idleMs).unref()
  }

  async stop() {
    clearTimeout(this.#idleTimer)
    const worker = this.#worker
    this.#worker = undefined
    if (worker) await (await worker.catch(() => null))?.terminate()
  }

  async #next() {
    if (this.#busy) return
    const job = this.#jobs.shift()
    if (!job) {
      this.#idleTimer = setTimeout(() => this.stop(), this.options.idleMs).unref()
      return
    }
    clearTimeout(this.#idleTimer)
    this.#busy = true
    try {
      job.resolve(await this.#run(job.source))
    } catch (error) {
      job.reject(error instanceof RenderRefused ? error : new RenderRefused(FAILED))
    } finally {
      this.#busy = false
      this.#next()
    }
  }

  async #run(source: string): Promise<RenderedPost> {
    const worker = await (this.#worker ??= this.#start())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        done()
        this.#discard(worker)
        reject(new RenderRefused(TOO_SLOW))
      }, this.options.budgetMs)
      const onMessage = (reply: { rendered?: RenderedPost; refused?: string | null }) => {
        done()
        if (reply.rendered) resolve(reply.rendered)
        else reject(new RenderRefused(reply.refused ?? FAILED))
      }
      const onExit = () => {
        done()
        this.#discard(worker)
        reject(new RenderRefused(FAILED))
      }
      const done = () => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('exit', onExit)
      }
      worker.on('message', onMessage)
      worker.on('exit', onExit)
      worker.postMessage({ source })
    })
  }

  #discard(worker: Worker) {
    this.#worker = undefined
    worker.terminate()
  }

  /*
   * From TypeScript sources (development, tests) the worker needs the same loader as the
   * app; the built app runs plain JavaScript. The worker's heap is capped, so a render
   * that allocates wildly ends the worker, not the process.
   */
  #start(): Promise<Worker> {
    const fromSource = import.meta.url.endsWith('.ts')
    const worker = new Worker(new URL(`./markdown_worker.${fromSource ? 'ts' : 'js'}`, import.meta.url), {
      execArgv: fromSource ? ['--import', 'ts-node-maintained/register/esm'] : [],
      workerData: { maxNesting: this.options.maxNesting },
      resourceLimits: { maxOldGenerationSizeMb: 96 },
    })
    worker.unref()
    return new Promise((resolve, reject) => {
      worker.once('message', () => resolve(worker))
      worker.once('error', (error) => {
        this.#worker = undefined
        reject(error)
      })
    })
  }
}

const postRenderer = new PostRenderer(blogConfig.markdown)
export default postRenderer
