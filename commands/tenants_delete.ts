import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsDelete extends BaseCommand {
  static commandName = 'tenants:delete'
  static description = 'Delete a tenant: drop its schema and remove its row and domains, atomically'
  static help = [
    '  {{ binaryName }} tenants:delete alice           (asks for confirmation)',
    '  {{ binaryName }} tenants:delete alice --force   (no question)',
    '  {{ binaryName }} tenants:delete alice --keep-schema --force   (detach only: keep the data)',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Schema name of the tenant' })
  declare schema: string

  @flags.boolean({ description: 'Do not ask for confirmation' })
  declare force: boolean

  @flags.boolean({ description: 'Remove the tenant row and domains but keep the schema' })
  declare keepSchema: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    try {
      await tenancy.lifecycle.find(this.schema)
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
      return
    }
    if (!this.force) {
      const confirmed = await this.prompt.confirm(
        `Delete tenant "${this.schema}"${this.keepSchema ? '' : ' and all of its data'}?`
      )
      if (!confirmed) {
        this.logger.info('Nothing deleted')
        return
      }
    }
    try {
      const { mediaLeft } = await tenancy.lifecycle.delete(this.schema, { keepSchema: this.keepSchema })
      this.logger.success(
        this.keepSchema
          ? `Detached tenant "${this.schema}"; its schema and images are kept`
          : `Deleted tenant "${this.schema}"`
      )
      if (mediaLeft) {
        this.logger.error(`Its image files under "${mediaLeft.prefix}" could not be removed (${mediaLeft.error}); delete them from the disk`)
        this.exitCode = 1
      }
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }
}
