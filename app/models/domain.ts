import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { PublicBaseModel } from '#tenancy/base_models'
import Tenant from '#models/tenant'

export default class Domain extends PublicBaseModel {
  static table = 'public.domains'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare domain: string

  @column()
  declare tenantId: number

  @column()
  declare isPrimary: boolean

  /* Unset on insert, the database marks the domain verified (see migration 0013). */
  @column.dateTime()
  declare verifiedAt: DateTime | null

  @column({ serializeAs: null })
  declare verificationToken: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>
}
