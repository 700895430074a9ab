import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsDomainsAdd extends BaseCommand {
  static commandName = 'tenants:domains:add'
  static description = 'Attach a domain to a tenant; running servers pick it up at once'
  static help = [
    "A custom domain needs the blog's plan to include customDomains, with room under its",
    'customDomains limit (tenants:plan, tenants:features).',
    '  {{ binaryName }} tenants:domains:add alice alice.example.com',
    '  {{ binaryName }} tenants:domains:add alice blog.alice.test --primary',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @args.string({ description: 'Domain name (letters, digits, hyphens; punycode for IDNs)' })
  declare domain: string

  @flags.boolean({ description: 'Make it the primary domain' })
  declare primary: boolean

  async run() {
    const { addDomain } = await import('#services/custom_domains')
    try {
      const added = await addDomain(this.schema, this.domain, { primary: this.primary })
      this.logger.success(
        `Added ${added.domain} to "${this.schema}"${added.isPrimary ? ' as its primary domain' : ''}`
      )
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
