import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/*
 * Benchmark set-up through the app's own provisioning path (issue 5, WORKLOAD.md §2 and §5):
 * owners t001..tNNN in public.users, then one tenant per owner with
 * tenancy.lifecycle.create (schema + every tenant migration + tenant row + primary domain
 * in one transaction). Each creation is timed; the last output line is
 * `BENCH_RESULT {json}` for bench/run.js. Posts are loaded afterwards by the harness with
 * plain SQL, as the reference loads them with seed_posts.py.
 */
export default class BenchSeed extends BaseCommand {
  static commandName = 'bench:seed'
  static description = 'Benchmark: create owners and tenants t<from>..t<from+count-1>, timing each creation'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Number of the first tenant (t001 = 1)', default: 1 })
  declare from: number

  @flags.number({ description: 'How many tenants to create', default: 100 })
  declare tenants: number

  @flags.number({ description: 'Creations running at once (1 = sequential, as timed)', default: 1 })
  declare concurrency: number

  @flags.boolean({ description: 'Skip creating owners (tenants get no owner)' })
  declare noOwners: boolean

  async run() {
    const { default: tenancy } = await import('#tenancy/service')
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { default: hash } = await import('@adonisjs/core/services/hash')

    const slugs = Array.from({ length: this.tenants }, (_, k) =>
      `t${String(this.from + k).padStart(3, '0')}`
    )
    const owners = new Map<string, number>()
    let ownersMs = 0
    if (!this.noOwners && slugs.length) {
      const started = performance.now()
      // One hash for every owner: scrypt per user would dominate the set-up time.
      const password = await hash.use('scrypt').make('bench-password')
      const now = new Date()
      for (let k = 0; k < slugs.length; k += 1000) {
        const chunk = slugs.slice(k, k + 1000)
        await db
          .knexQuery()
          .table('public.users')
          .insert(
            chunk.map((slug) => ({
              username: slug,
              email: `${slug}@bench.example`,
              password,
              email_verified_at: now,
              created_at: now,
              updated_at: now,
            }))
          )
          .onConflict('username')
          .ignore()
        const rows = await db.from('public.users').select('id', 'username').whereIn('username', chunk)
        for (const row of rows) owners.set(row.username, row.id)
      }
      ownersMs = performance.now() - started
    }

    const creationMs: number[] = new Array(slugs.length)
    const started = performance.now()
    let next = 0
    const worker = async () => {
      while (next < slugs.length) {
        const k = next++
        const slug = slugs[k]
        const t0 = performance.now()
        await tenancy.lifecycle.create({
          name: `Blog ${slug}`,
          schemaName: slug,
          ownerId: owners.get(slug) ?? null,
        })
        creationMs[k] = performance.now() - t0
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.max(1, this.concurrency) }, worker))
    } catch (error) {
      this.logger.error(`tenant creation failed: ${error.message}`)
      this.exitCode = 1
      return
    }
    const totalMs = performance.now() - started
    this.logger.log(
      'BENCH_RESULT ' +
        JSON.stringify({
          from: this.from,
          count: slugs.length,
          concurrency: this.concurrency,
          ownersMs: round(ownersMs),
          totalMs: round(totalMs),
          creationMs: creationMs.map(round),
        })
    )
  }
}

function round(ms: number) {
  return Math.round(ms * 100) / 100
}
