import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'

/*
 * In production pino writes JSON lines to standard output itself: a transport would run in
 * a worker thread of its own (a second V8 heap in every server process). In development
 * the lines are pretty-printed.
 */
const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: 'echoblogs',
      level: env.get('LOG_LEVEL', 'info'),
      redact: {
        paths: ['password', '*.password', 'password_confirmation', '*.password_confirmation', 'token'],
      },
      ...(app.inProduction ? {} : { transport: { targets: targets().push(targets.pretty()).toArray() } }),
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
