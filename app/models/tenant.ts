import { DateTime } from 'luxon'
import { beforeCreate, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { PublicBaseModel } from '#tenancy/base_models'
import Domain from '#models/domain'
import User from '#models/user'
import type { Feature, Limit, PlanName } from '#services/plan_catalog'
import type { NavLink } from '#tenancy/types'
import { DEFAULT_THEME } from '#services/themes'

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

  /* Reader-facing settings, edited on the dashboard's settings page. */
  @column()
  declare description: string | null

  /* Null: the installation's BLOG_POSTS_PER_PAGE. */
  @column()
  declare postsPerPage: number | null

  @column()
  declare theme: string

  @column({ prepare: (value) => JSON.stringify(value) })
  declare navLinks: NavLink[]

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

  /*
   * The columns' database defaults, on the instance too: a tenant just created is turned
   * into a TenantRef without being read back.
   */
  @beforeCreate()
  static settingsDefaults(tenant: Tenant) {
    tenant.description ??= null
    tenant.postsPerPage ??= null
    tenant.theme ??= DEFAULT_THEME
    tenant.navLinks ??= []
  }
}
