import { parentPort, workerData } from 'node:worker_threads'
import { MarkdownRefused, renderPost } from '#services/markdown'

/*
 * The renderer's worker thread (#services/post_renderer): one job at a time; the parent
 * terminates it when a job runs past its time budget.
 */
const { maxNesting } = workerData as { maxNesting: number }

parentPort!.on('message', ({ id, source }: { id: number; source: string }) => {
  try {
    parentPort!.postMessage({ id, rendered: renderPost(source, maxNesting) })
  } catch (error) {
    const refused = error instanceof MarkdownRefused
    parentPort!.postMessage({ id, refused: refused ? error.message : null, failed: refused ? null : String(error) })
  }
})
parentPort!.postMessage({ ready: true })
