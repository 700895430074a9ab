import vine from '@vinejs/vine'
import { noNul } from '#validators/text'

/*
 * `uid` is an email or a username; both are stored in lower case.
 */
export const loginValidator = vine.compile(
  vine.object({
    uid: vine.string().trim().toLowerCase().maxLength(254).use(noNul()),
    password: vine.string().maxLength(128),
  })
)
