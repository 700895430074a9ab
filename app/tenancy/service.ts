import app from '@adonisjs/core/services/app'
import type { Tenancy } from '#tenancy/tenancy'

let tenancy: Tenancy

await app.booted(async () => {
  tenancy = await app.container.make('tenancy')
})

export { tenancy as default }
