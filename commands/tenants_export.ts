import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFile } from 'node:fs/promises'

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

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      const document = await tenancy.transfer.export(this.schema)
      const json = JSON.stringify(document, null, 2)
      if (this.out) {
        await writeFile(this.out, `${json}\n`)
        this.logger.success(`Exported "${this.schema}" (${document.posts.length} posts, ${document.images?.length ?? 0} ${document.images?.length === 1 ? 'image' : 'images'}) to ${this.out}`)
      } else {
        process.stdout.write(`${json}\n`)
      }
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
