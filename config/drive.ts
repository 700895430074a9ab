import { resolve } from 'node:path'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, services } from '@adonisjs/drive'

/*
 * Uploaded images (#services/images), under one prefix per blog (#tenancy/tenant_media).
 * Only the chosen disk is configured, so the S3 client is loaded only where it is used.
 * Files are served by the blog's own route (/media/:key), never by Drive's file server.
 */
const s3 = () =>
  services.s3({
    credentials: {
      accessKeyId: env.get('S3_ACCESS_KEY_ID')!,
      secretAccessKey: env.get('S3_SECRET_ACCESS_KEY')!,
    },
    region: env.get('S3_REGION')!,
    bucket: env.get('S3_BUCKET')!,
    endpoint: env.get('S3_ENDPOINT'),
    forcePathStyle: env.get('S3_FORCE_PATH_STYLE', false),
    visibility: 'private',
  })

const fs = () =>
  services.fs({
    location: resolve(app.makePath(), env.get('DRIVE_FS_ROOT', 'storage/media')),
    serveFiles: false,
    visibility: 'private',
  })

const driveConfig =
  env.get('DRIVE_DISK', 'fs') === 's3'
    ? defineConfig({ default: 'media', services: { media: s3() } })
    : defineConfig({ default: 'media', services: { media: fs() } })

export default driveConfig
