import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsRun extends BaseCommand {
  static commandName = 'tenants:run'
  static description = 'Run another Ace command once per tenant, inside that tenant scope'
  static help = [
    'The command runs in this process inside withTenant(): tenant models use that tenant,',
    'and its work commits when it succeeds and rolls back when it fails. Put the inner',
    "command's own flags after --.",
    '  {{ binaryName }} tenants:run posts:stats --all',
    '  {{ binaryName }} tenants:run --tenant alice --tenant bob -- posts:stats --json',
  ]
  static options: CommandOptions = { startApp: true }

  @args.spread({ description: 'The Ace command and its arguments' })
  declare command: string[]

  @flags.array({ description: 'Run for these tenant schemas (repeatable)' })
  declare tenant?: string[]

  @flags.boolean({ description: 'Run for every tenant' })
  declare all: boolean

  @flags.number({ description: 'Tenants run at once', default: 1 })
  declare concurrency: number

  @flags.boolean({
    description: "End with one JSON line instead of the table (also when the inner command gets --json)",
  })
  declare json: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const { default: Tenant } = await import('#models/tenant')
    const { tenantRefOf } = await import('#tenancy/tenant_ref')
    const { withTenant } = await import('#tenancy/tenant_scope')

    const [name, ...argv] = this.command ?? []
    if (!name) return this.#fail('Name the command to run: tenants:run <command> --all')
    if (!this.all && !this.tenant?.length) return this.#fail('Choose tenants with --tenant <schema> or --all')
    if (name === TenantsRun.commandName) return this.#fail('tenants:run cannot run itself')
    if (!this.kernel.getCommand(name)) return this.#fail(`Unknown command "${name}"`)

    try {
      const targets = await tenancy.fanOut.targets(this.all ? undefined : this.tenant)
      const results: { schema: string; exitCode: number; error?: string }[] = []
      let next = 0
      const worker = async () => {
        while (next < targets.length) {
          const target = targets[next++]
          const tenant = tenantRefOf(await Tenant.findOrFail(target.id))
          try {
            await withTenant(tenant, async () => {
              const command = await this.kernel.exec(name, argv)
              if (command.error) throw command.error
              if (command.exitCode) throw new Error(`exited with ${command.exitCode}`)
            })
            results.push({ schema: target.schemaName, exitCode: 0 })
          } catch (error) {
            results.push({ schema: target.schemaName, exitCode: 1, error: error.message })
          }
        }
      }
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.concurrency, targets.length)) }, worker))

      const failed = results.filter((result) => result.exitCode !== 0)
      results.sort((a, b) => a.schema.localeCompare(b.schema))
      if (this.json || argv.includes('--json')) {
        // Scripts read the inner command's JSON lines: the summary is one more, not a table.
        this.logger.log(JSON.stringify({ command: name, tenants: results.length, failed: failed.length, results }))
        if (failed.length) this.exitCode = 1
        return
      }
      const table = this.ui.table().head(['Tenant', 'Result'])
      for (const result of results) {
        table.row([
          result.schema,
          result.exitCode === 0 ? this.colors.green('ok') : this.colors.red(`failed${result.error ? `: ${result.error}` : ''}`),
        ])
      }
      table.render()
      if (failed.length) {
        this.logger.error(`${name} failed for ${failed.length} of ${results.length} tenant(s)`)
        this.exitCode = 1
      } else {
        this.logger.success(`${name} ran for ${results.length} tenant(s)`)
      }
    } catch (error) {
      this.#fail(error.message)
    }
  }

  #fail(message: string) {
    this.logger.error(message)
    this.exitCode = 1
  }
}
