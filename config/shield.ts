import { defineConfig } from '@adonisjs/shield'

export default defineConfig({
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`],
      styleSrc: [`'self'`],
      imgSrc: [`'self'`, 'data:', 'https:'],
      objectSrc: [`'none'`],
      baseUri: [`'self'`],
      frameAncestors: [`'none'`],
    },
    reportOnly: false,
  },
  /*
   * CSRF tokens come from #middleware/csrf_middleware (secrets made only for pages with a
   * form) and HSTS from #middleware/transport_security_middleware (https responses only).
   */
  csrf: {
    enabled: false,
  },
  xFrame: {
    enabled: true,
    action: 'DENY',
  },
  hsts: {
    enabled: false,
  },
  contentTypeSniffing: {
    enabled: true,
  },
})
