import { DateTime } from 'luxon'
import { belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { PublicBaseModel } from '#tenancy/base_models'
import Domain from '#models/domain'
import User from '#models/user'

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
  declare postLimit: number | null

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
