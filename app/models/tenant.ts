import { DateTime } from 'luxon'
import { belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { PublicBaseModel } from '#tenancy/base_models'
import Domain from '#models/domain'
import User from '#models/user'
import type { Feature, Limit, PlanName } from '#services/plan_catalog'

export default class Tenant extends PublicBaseModel {
  static table = 'public.tenants'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare tagline: string | null

  @column()
  declare schemaName: string

  @column()
  declare ownerId: number | null

  @column.date()
  declare paidUntil: DateTime | null

  @column()
  declare onTrial: boolean

  @column()
  declare plan: PlanName

  /* A blog's own figures on top of its plan's (`tenants:plan --limit`). */
  @column({ prepare: (value) => JSON.stringify(value) })
  declare limitOverrides: Partial<Record<Limit, number>>

  /* Features turned on or off for this blog whatever its plan (`tenants:features`). */
  @column({ prepare: (value) => JSON.stringify(value) })
  declare featureOverrides: Partial<Record<Feature, boolean>>

  @column.dateTime()
  declare lastPostAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => Domain)
  declare domains: HasMany<typeof Domain>

  @belongsTo(() => User, { foreignKey: 'ownerId' })
  declare owner: BelongsTo<typeof User>
}
