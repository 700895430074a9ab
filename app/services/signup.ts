import db from '@adonisjs/lucid/services/db'
import { errors as vineErrors } from '@vinejs/vine'
import User from '#models/user'
import tenancy from '#tenancy/service'
import { DomainTakenError, TenantExistsError } from '#tenancy/errors'
import { EMAIL_NOT_USABLE } from '#validators/signup'

export interface SignupInput {
  username: string
  email: string
  password: string
  blogTitle: string
}

/*
 * One transaction creates the user, their blog's schema (named after the username) with
 * its tables, the tenant row and its primary domain: a failure anywhere leaves nothing.
 * Conflicts the validator could not see (a concurrent sign-up, a blog created by hand)
 * come back as field errors like any other.
 */
export async function signUp(input: SignupInput) {
  try {
    const { user, tenant } = await db.transaction(async (trx) => {
      const created = await User.create(
        { username: input.username, email: input.email, password: input.password },
        { client: trx }
      )
      const blog = await tenancy.lifecycle.create(
        { name: input.blogTitle, schemaName: input.username, ownerId: created.id },
        trx
      )
      return { user: created, tenant: blog }
    })
    const domain = tenancy.lifecycle.defaultDomain(tenant.schemaName)
    tenancy.lifecycle.changed(tenant.id, [domain])
    return { user, tenant, domain }
  } catch (error) {
    throw asFieldError(error)
  }
}

function asFieldError(error: any) {
  const taken = (field: string, message: string) =>
    new vineErrors.E_VALIDATION_ERROR([{ field, message, rule: 'unique' }])
  if (error instanceof TenantExistsError || error instanceof DomainTakenError) {
    return taken('username', 'This name is already taken')
  }
  if (error?.code === '23505' && String(error.constraint).includes('email')) {
    return taken('email', EMAIL_NOT_USABLE)
  }
  if (error?.code === '23505' && String(error.constraint).includes('username')) {
    return taken('username', 'This name is already taken')
  }
  return error
}
