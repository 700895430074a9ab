import { spawn } from 'node:child_process'

/*
 * Runs `node ace <args>` in the project and resolves with its exit code; rejects on a
 * non-zero exit unless `allowFailure` is set.
 */
export function runAce(root, args, env, { allowFailure = false, stdio = 'inherit' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['ace', ...args], { cwd: root, env, stdio })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const status = code ?? (signal ? 1 : 0)
      if (status !== 0 && !allowFailure) {
        reject(new Error(`node ace ${args.join(' ')} exited with ${signal ?? code}`))
      } else {
        resolve(status)
      }
    })
  })
}
