import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantBaseModel } from '#tenancy/base_models'

/*
 * An uploaded image of the bound blog; its bytes are on the Drive disk under the blog's
 * prefix, named by `key` (#tenancy/tenant_media).
 */
export default class Image extends TenantBaseModel {
  static table = 'images'
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare key: string

  @column()
  declare originalName: string

  @column()
  declare mimeType: string

  @column()
  declare bytes: number

  @column()
  declare width: number | null

  @column()
  declare height: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
