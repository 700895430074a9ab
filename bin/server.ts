import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'
import type { ApplicationService } from '@adonisjs/core/types'
import { loadEnv, reportStartupError } from '#start/startup_error'
import { createHttpServer, drainHttpServers } from '#start/http_server'

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

/*
 * Connections are drained before the application's resources close, so requests in
 * flight still have their database. A cluster worker then leaves the primary's IPC
 * channel, which would otherwise keep it alive until the primary gives up on it.
 */
async function stop(app: ApplicationService) {
  await drainHttpServers()
  await app.terminate()
  if (process.connected) process.disconnect()
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await loadEnv()
    })
    app.listen('SIGTERM', () => stop(app))
    app.listenIf(app.managedByPm2, 'SIGINT', () => stop(app))
  })
  .httpServer()
  .start(createHttpServer)
  .catch(reportStartupError)
