import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'
import { EMAIL_NOT_USABLE } from '#validators/signup'

const email = () => vine.string().trim().toLowerCase().maxLength(254).use(noNul()).email()
const newPassword = () => vine.string().minLength(8).maxLength(128).confirmed()
const currentPassword = () => vine.string().maxLength(128)

const MESSAGES = {
  'required': 'This field is required',
  'email.email': 'Enter a valid email address',
  'email.maxLength': 'Use at most {{ max }} characters',
  'email.database.unique': EMAIL_NOT_USABLE,
  'password.minLength': 'Use at least {{ min }} characters',
  'password.maxLength': 'Use at most {{ max }} characters',
  'password.confirmed': 'The two passwords do not match',
  'current_password.maxLength': 'Your current password is not correct',
  'confirmation.maxLength': 'Type your blog’s address exactly',
}

export const forgotPasswordValidator = vine.compile(vine.object({ email: email() }))

export const resetPasswordValidator = vine.compile(
  vine.object({ token: vine.string().maxLength(100), password: newPassword() })
)

export const changePasswordValidator = vine.compile(
  vine.object({ current_password: currentPassword(), password: newPassword() })
)

/*
 * A taken address gets the sign-up's words, which do not say whose it is.
 */
export const changeEmailValidator = vine.compile(
  vine.object({
    current_password: currentPassword(),
    email: email().unique({ table: 'public.users', column: 'email' }),
  })
)

export const deleteAccountValidator = vine.compile(
  vine.object({
    current_password: currentPassword(),
    confirmation: vine.string().trim().toLowerCase().maxLength(300).use(noNul()),
  })
)

for (const validator of [
  forgotPasswordValidator,
  resetPasswordValidator,
  changePasswordValidator,
  changeEmailValidator,
  deleteAccountValidator,
]) {
  validator.messagesProvider = new SimpleMessagesProvider(MESSAGES)
}

changeEmailValidator.messagesProvider = new SimpleMessagesProvider({
  ...MESSAGES,
  'email.database.unique': 'This email address cannot be used for your account.',
})
