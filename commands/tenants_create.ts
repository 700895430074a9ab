import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsCreate extends BaseCommand {
  static commandName = 'tenants:create'
  static description = 'Create a tenant: its schema, every tenant migration, its row and primary domain'
  static help = [
    'The name is the schema name: lower case letters, digits and _, starting with a letter.',
    '  {{ binaryName }} tenants:create alice',
    '  {{ binaryName }} tenants:create alice --title "Alice writes" --owner alice@example.com',
    '  {{ binaryName }} tenants:create acme --domain blog.acme.test --trial-days 14',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the new tenant' })
  declare name: string

  @flags.string({ description: 'Primary domain (default: <name>.APP_DOMAIN)' })
  declare domain?: string

  @flags.string({ description: 'Blog title (default: the name)' })
  declare title?: string

  @flags.string({ description: 'Email or username of an existing user who owns the blog' })
  declare owner?: string

  @flags.number({ description: 'Length of the trial in days', default: 30 })
  declare trialDays: number

  @flags.boolean({ description: 'Print the created tenant as JSON' })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const { default: User } = await import('#models/user')

    let ownerId: number | null = null
    if (this.owner) {
      const owner = await User.query()
        .where('email', this.owner.toLowerCase())
        .orWhere('username', this.owner)
        .first()
      if (!owner) return this.fail(`No user with email or username "${this.owner}"`)
      ownerId = owner.id
    }

    try {
      const started = performance.now()
      const tenant = await tenancy.lifecycle.create({
        name: this.title ?? this.name,
        schemaName: this.name,
        domain: this.domain,
        ownerId,
        trialDays: this.trialDays,
      })
      const domain = this.domain ?? tenancy.lifecycle.defaultDomain(this.name)
      const ms = (performance.now() - started).toFixed(0)
      if (this.json) {
        this.logger.log(JSON.stringify({ id: tenant.id, schema: tenant.schemaName, domain }))
      } else {
        this.logger.success(`Created tenant "${tenant.schemaName}" at ${domain} in ${ms} ms`)
      }
    } catch (error) {
      this.fail(error.message)
    }
  }

  fail(message: string) {
    this.logger.error(message)
    this.exitCode = 1
  }
}
