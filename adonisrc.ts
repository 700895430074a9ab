import { defineConfig } from '@adonisjs/core/app'

const SERVING: ('web' | 'test' | 'repl')[] = ['web', 'test', 'repl']

export default defineConfig({
  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
  ],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    // What only serving HTTP needs is not loaded for Ace commands: it was half their boot.
    { file: () => import('@adonisjs/core/providers/vinejs_provider'), environment: SERVING },
    { file: () => import('@adonisjs/core/providers/edge_provider'), environment: SERVING },
    { file: () => import('@adonisjs/session/session_provider'), environment: SERVING },
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/drive/drive_provider'),
    { file: () => import('@adonisjs/auth/auth_provider'), environment: SERVING },
    { file: () => import('@adonisjs/bouncer/bouncer_provider'), environment: SERVING },
    { file: () => import('@adonisjs/redis/redis_provider'), environment: SERVING },
    { file: () => import('@adonisjs/limiter/limiter_provider'), environment: SERVING },
    { file: () => import('@adonisjs/mail/mail_provider'), environment: SERVING },
    () => import('#providers/tenancy_provider'),
    () => import('#providers/usage_provider'),
    () => import('#providers/logging_provider'),
  ],

  preloads: [
    () => import('#start/routes'),
    () => import('#start/kernel'),
    { file: () => import('#start/view'), environment: SERVING },
    { file: () => import('#start/page_cache'), environment: ['web', 'test'] },
    { file: () => import('#start/renderer'), environment: ['web'] },
  ],

  tests: {
    suites: [
      {
        files: ['tests/unit/**/*.spec(.ts|.js)'],
        name: 'unit',
        timeout: 10_000,
      },
      {
        files: ['tests/functional/**/*.spec(.ts|.js)'],
        name: 'functional',
        timeout: 60_000,
      },
      {
        files: ['tests/browser/**/*.spec(.ts|.js)'],
        name: 'browser',
        timeout: 180_000,
      },
    ],
    forceExit: false,
  },

  metaFiles: [
    { pattern: 'resources/views/**/*.edge', reloadServer: false },
    { pattern: 'public/**', reloadServer: false },
  ],

  assetsBundler: false,
})
