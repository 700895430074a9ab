import { readdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BaseSeeder } from '@adonisjs/lucid/seeders'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { TenantRef } from '#tenancy/types'
import { withTenant } from '#tenancy/tenant_scope'

type SeederClass = (new (client: TransactionClientContract) => BaseSeeder) & {
  environment?: string[]
}

/*
 * Tenant seeders are Lucid seeders in their own folder, run inside one tenant's scope:
 * all of a tenant's seeders commit together or not at all.
 */
export async function runTenantSeeders(directory: string, tenant: TenantRef, environment: string) {
  const files = (await readdir(directory).catch(() => []))
    .filter((entry) => /\.(ts|js)$/.test(entry) && !entry.endsWith('.d.ts'))
    .sort()
  const ran: string[] = []
  await withTenant(tenant, async (scope) => {
    for (const file of files) {
      const { default: Seeder } = (await import(pathToFileURL(join(directory, file)).href)) as {
        default: SeederClass
      }
      if (Seeder.environment && !Seeder.environment.includes(environment)) continue
      await new Seeder(scope.client).run()
      ran.push(basename(file, extname(file)))
    }
  })
  return ran
}
