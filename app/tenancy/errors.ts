import { Exception } from '@adonisjs/core/exceptions'

export class InvalidSchemaNameError extends Exception {
  static status = 422
  static code = 'E_INVALID_SCHEMA_NAME'
}

export class InvalidDomainError extends Exception {
  static status = 422
  static code = 'E_INVALID_DOMAIN'
}

export class TenantNotBoundError extends Exception {
  static status = 500
  static code = 'E_TENANT_NOT_BOUND'
}

export class CrossTenantError extends Exception {
  static status = 500
  static code = 'E_CROSS_TENANT'
}

export class TenantExistsError extends Exception {
  static status = 409
  static code = 'E_TENANT_EXISTS'
}

export class DomainTakenError extends Exception {
  static status = 409
  static code = 'E_DOMAIN_TAKEN'
}

export class TenantNotFoundError extends Exception {
  static status = 404
  static code = 'E_TENANT_NOT_FOUND'
}

export class UnknownHostError extends Exception {
  static status = 404
  static code = 'E_UNKNOWN_HOST'
}

export class TenantMigrationError extends Exception {
  static status = 500
  static code = 'E_TENANT_MIGRATION'
}

export class DomainNotFoundError extends Exception {
  static status = 404
  static code = 'E_DOMAIN_NOT_FOUND'
}

export class LastDomainError extends Exception {
  static status = 409
  static code = 'E_LAST_DOMAIN'
}

export class DuplicateHostError extends Exception {
  static status = 400
  static code = 'E_DUPLICATE_HOST'
}

export class TenantBusyError extends Exception {
  static status = 503
  static code = 'E_TENANT_BUSY'
}

export class DomainLimitError extends Exception {
  static status = 403
  static code = 'E_DOMAIN_LIMIT'
}

export class DomainNotVerifiedError extends Exception {
  static status = 409
  static code = 'E_DOMAIN_NOT_VERIFIED'
}
