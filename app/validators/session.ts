import vine from '@vinejs/vine'

/*
 * `uid` is an email or a username; both are stored in lower case.
 */
export const loginValidator = vine.compile(
  vine.object({
    uid: vine.string().trim().toLowerCase().maxLength(254),
    password: vine.string().maxLength(128),
  })
)
