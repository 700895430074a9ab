import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsClone extends BaseCommand {
  static commandName = 'tenants:clone'
  static description = "Create a tenant whose schema copies another's (structure and migration state, data optional)"
  static help = [
    'Copies tables, indexes, sequences (at their current values), defaults, foreign keys and',
    'the migration state in one transaction; the new tenant keeps the source\'s owner and billing.',
    '  {{ binaryName }} tenants:clone alice alice_staging --with-data',
    '  {{ binaryName }} tenants:clone alice template_blog --structure-only --domain template.example.test',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema of the tenant to copy' })
  declare source: string

  @args.string({ description: 'Schema name of the new tenant' })
  declare target: string

  @flags.string({ description: 'Primary domain of the copy (default: <new-name>.APP_DOMAIN)' })
  declare domain?: string

  @flags.string({ description: "Blog title of the copy (default: the source's)" })
  declare title?: string

  @flags.boolean({ description: 'Copy the rows too' })
  declare withData: boolean

  @flags.boolean({ description: 'Copy the structure and migration state only (the default)' })
  declare structureOnly: boolean

  async run() {
    if (this.withData && this.structureOnly) {
      this.logger.error('Choose one of --with-data and --structure-only')
      this.exitCode = 1
      return
    }
    const { default: tenancy } = await import('#tenancy/service')
    try {
      const started = performance.now()
      const tenant = await tenancy.lifecycle.clone(this.source, {
        schemaName: this.target,
        name: this.title,
        domain: this.domain,
        withData: this.withData,
      })
      const ms = (performance.now() - started).toFixed(0)
      this.logger.success(
        `Cloned "${this.source}" into "${tenant.schemaName}" (${this.withData ? 'with data' : 'structure only'}) in ${ms} ms`
      )
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
