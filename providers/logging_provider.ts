import type { ApplicationService } from '@adonisjs/core/types'
import { ErrorReporter, LogErrorReporter } from '#services/error_reporter'
import { installRequestIds } from '#services/request_ids'

/*
 * Request ids that cannot be forged into the logs (#services/request_ids), and the error
 * reporter: LogErrorReporter unless a provider registered after this one binds another
 * ErrorReporter (#services/error_reporter). Tests swap it with app.container.swap.
 */
export default class LoggingProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(ErrorReporter, async (resolver) => new LogErrorReporter(await resolver.make('logger')))
  }

  boot() {
    installRequestIds()
  }
}
