import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readFile } from 'node:fs/promises'

export default class TenantsImport extends BaseCommand {
  static commandName = 'tenants:import'
  static description = 'Recreate a blog from a tenants:export file, as a new tenant, atomically'
  static help = [
    'Authors are matched by username and must exist. Under its original name the blog gets',
    'its original domains back; with --as it gets <new-name>.APP_DOMAIN (or --domain).',
    '  {{ binaryName }} tenants:import alice.json',
    '  {{ binaryName }} tenants:import alice.json --as alice_copy',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Export file to read' })
  declare file: string

  @flags.string({ description: 'Schema name for the new tenant (default: the exported one)' })
  declare as?: string

  @flags.string({ description: 'Primary domain for the new tenant' })
  declare domain?: string

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      let document: unknown
      try {
        document = JSON.parse(await readFile(this.file, 'utf8'))
      } catch (error) {
        throw new Error(`Cannot read ${this.file} as JSON: ${error.message}`)
      }
      const { tenant, posts, images, domain } = await tenancy.transfer.import(document, {
        as: this.as,
        domain: this.domain,
      })
      this.logger.success(`Imported "${tenant.schemaName}" with ${posts} posts at ${domain} (${images} ${images === 1 ? 'image' : 'images'})`)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
