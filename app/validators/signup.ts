import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'
import { schemaNameProblem } from '#tenancy/schema_name'
import tenancy from '#tenancy/service'

/*
 * The username names the blog's schema and its address (<username>.<APP_DOMAIN>), so it
 * must be a valid schema name that is not reserved, and free as a user, schema and domain.
 */
const blogName = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const problem = schemaNameProblem(value)
  if (problem) {
    field.report(`This name ${problem}`, 'blogName', field)
  } else if (value.endsWith('_')) {
    field.report('This name must not end with _', 'blogName', field)
  }
})

/*
 * Said of a taken email, in words that do not confirm that an account exists.
 */
export const EMAIL_NOT_USABLE =
  'This email address cannot be used for a new blog. If you already have an account, log in instead.'

export const signupValidator = vine.compile(
  vine.object({
    username: vine
      .string()
      .trim()
      .toLowerCase()
      .minLength(3)
      .maxLength(30)
      .use(blogName())
      .unique(async (db, value) => {
        const [user, tenant, domain] = await Promise.all([
          db.from('public.users').where('username', value).first(),
          db.from('public.tenants').where('schema_name', value).first(),
          db.from('public.domains').where('domain', tenancy.lifecycle.defaultDomain(value)).first(),
        ])
        return !user && !tenant && !domain
      }),
    email: vine
      .string()
      .trim()
      .toLowerCase()
      .maxLength(254)
      .use(noNul())
      .email()
      .unique({ table: 'public.users', column: 'email' }),
    password: vine.string().minLength(8).maxLength(128).confirmed(),
    blog_title: vine.string().trim().minLength(1).maxLength(255).use(noNul()),
  })
)

signupValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'username.minLength': 'Use at least {{ min }} characters',
  'username.maxLength': 'Use at most {{ max }} characters',
  'username.database.unique': 'This name is already taken',
  'email.email': 'Enter a valid email address',
  'email.database.unique': EMAIL_NOT_USABLE,
  'password.minLength': 'Use at least {{ min }} characters',
  'password.maxLength': 'Use at most {{ max }} characters',
  'password.confirmed': 'The two passwords do not match',
  'blog_title.maxLength': 'Use at most {{ max }} characters',
})
