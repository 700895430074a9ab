import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import type { Writable } from 'node:stream'

export default class TenantsExport extends BaseCommand {
  static commandName = 'tenants:export'
  static description = 'Export a blog (settings, domains, posts with authors by username, images with their bytes) as versioned JSON'
  static help = [
    '  {{ binaryName }} tenants:export alice --out alice.json',
    '  {{ binaryName }} tenants:export alice > alice.json',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @flags.string({ description: 'Write to this file instead of standard output' })
  declare out?: string

  /*
   * Streamed as it is read (#tenancy/tenant_transfer exportChunks): a blog of gigabytes of
   * images is never whole in memory, and no connection is held while the output drains.
   */
  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const out: Writable = this.out ? createWriteStream(this.out) : process.stdout
    const tally = { posts: 0, images: 0 }
    try {
      for await (const piece of tenancy.transfer.exportChunks(this.schema, { tally })) {
        if (!out.write(piece)) await once(out, 'drain')
      }
      out.write('\n')
      if (this.out) {
        out.end()
        await once(out, 'finish')
        const images = `${tally.images} ${tally.images === 1 ? 'image' : 'images'}`
        this.logger.success(`Exported "${this.schema}" (${tally.posts} posts, ${images}) to ${this.out}`)
      }
    } catch (error) {
      if (this.out) {
        out.destroy()
        await rm(this.out, { force: true })
      }
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
