import vine from '@vinejs/vine'

/*
 * PostgreSQL text cannot hold NUL (U+0000): such input would fail in the database (a 500)
 * instead of as a field error. Every free-text field that reaches SQL uses this rule.
 */
export const noNul = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && value.includes('\u0000')) {
    field.report('This field contains a character that is not allowed', 'noNul', field)
  }
})
