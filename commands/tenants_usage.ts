import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TenantsUsage extends BaseCommand {
  static commandName = 'tenants:usage'
  static description = "Each blog's requests, bytes served, posts, storage and last activity"
  static help = [
    'Requests are counted by every server in memory and saved every USAGE_FLUSH_MS (10 s),',
    'per day (UTC); cached requests were answered from the page cache, dynamic ones rendered.',
    '  {{ binaryName }} tenants:usage                          (last 30 days, busiest first)',
    '  {{ binaryName }} tenants:usage --since 7d --top 10',
    '  {{ binaryName }} tenants:usage --since 2026-11-01 --sort storage --json',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'From this day (YYYY-MM-DD) or this many days back (7d)', default: '30d' })
  declare since: string

  @flags.number({ description: 'Only the first N blogs' })
  declare top?: number

  @flags.string({ description: 'requests (default) or storage' })
  declare sort?: string

  @flags.boolean({ description: 'Print JSON' })
  declare json: boolean

  async run() {
    const { usageReport } = await import('#services/usage_report')
    try {
      const sort = this.sort ?? 'requests'
      if (sort !== 'requests' && sort !== 'storage') throw new Error('--sort must be "requests" or "storage"')
      if (this.top !== undefined && !(Number.isInteger(this.top) && this.top > 0)) {
        throw new Error('--top must be a whole number above 0')
      }
      const rows = await usageReport({ since: await this.#since(), sort, top: this.top })
      if (this.json) return this.logger.log(JSON.stringify(rows, null, 2))
      const table = this.ui
        .table()
        .head(['Schema', 'Plan', 'Requests', 'Cached', 'Served', 'Posts', 'Storage', 'Last request', 'Last post'])
      for (const row of rows) {
        table.row([
          row.schema,
          row.plan,
          row.requests.toLocaleString('en'),
          row.requests ? `${Math.round((100 * row.cachedRequests) / row.requests)}%` : '-',
          megabytes(row.bytesServed),
          row.posts.toLocaleString('en'),
          megabytes(row.storageBytes),
          row.lastRequestAt?.slice(0, 16).replace('T', ' ') ?? '-',
          row.lastPostAt?.slice(0, 10) ?? '-',
        ])
      }
      table.render()
    } catch (error) {
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }

  async #since() {
    const { DateTime } = await import('luxon')
    const days = /^(\d{1,4})d$/.exec(this.since)
    if (days) return DateTime.utc().startOf('day').minus({ days: Number(days[1]) })
    const date = DateTime.fromFormat(this.since, 'yyyy-MM-dd', { zone: 'utc' })
    if (!date.isValid) throw new Error(`--since must be a date like 2026-11-01 or a number of days like 7d, not "${this.since}"`)
    return date
  }
}

function megabytes(bytes: number) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
