import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { TenantBaseModel } from '#tenancy/base_models'
import User from '#models/user'

export default class Post extends TenantBaseModel {
  static table = 'posts'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare title: string

  @column()
  declare slug: string

  @column()
  declare content: string

  /*
   * Rendered from `content` when the post is saved (#services/post_rendering), sanitised.
   */
  @column()
  declare html: string | null

  @column()
  declare excerpt: string | null

  @column()
  declare authorId: number

  /* One of the blog's images (#models/image), shown above the post. */
  @column()
  declare coverImageKey: string | null

  @column()
  declare isPublished: boolean

  /*
   * The private preview link of an unpublished post (#services/draft_links), or null.
   */
  @column()
  declare previewToken: string | null

  @column.dateTime()
  declare publishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => User, { foreignKey: 'authorId' })
  declare author: BelongsTo<typeof User>
}
