import { isIP } from 'node:net'
import { domainToASCII } from 'node:url'
import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import tenancyConfig from '#config/tenancy'
import { isValidDomain } from '#tenancy/host'

/*
 * Why a name cannot be a blog's custom domain, or null when it can. The name is compared
 * as the DNS and browsers see it: lower case, internationalised names in punycode
 * (`bücher.example` is `xn--bcher-kva.example`), no trailing dot.
 */
export function customDomainProblem(domain: string): string | null {
  const appDomain = tenancyConfig.appDomain
  if (domain.length > 253) return 'A domain name has at most 253 characters.'
  if (isIP(domain)) return 'Enter a domain name, not an IP address.'
  if (!domain.includes('.')) return 'Enter a full domain name, like blog.example.com.'
  if (domain.split('.').some((label) => label.length > 63)) {
    return 'Each part of a domain name (between dots) has at most 63 characters.'
  }
  if (domain === appDomain || domain.endsWith(`.${appDomain}`)) {
    return `Names under ${appDomain} are EchoBlogs' own; use a domain you registered.`
  }
  if (domain === 'localhost' || domain.endsWith('.localhost')) return 'A localhost name cannot be a custom domain.'
  if (!isValidDomain(domain)) {
    return 'Use letters, digits and hyphens between dots, like blog.example.com.'
  }
  return null
}

/*
 * The domain as typed, normalised: lower case, punycode, no trailing dot. '' when it cannot
 * be read as a name at all (control characters, characters IDNA forbids).
 */
export function normaliseDomain(input: string): string {
  if (/[\u0000-\u001f\u007f\s/\\@:]/.test(input)) return ''
  return domainToASCII(input.toLowerCase()).replace(/\.$/, '')
}

const customDomain = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const domain = normaliseDomain(value)
  const problem = domain ? customDomainProblem(domain) : 'Enter a domain name like blog.example.com.'
  if (problem) {
    field.report(problem, 'customDomain', field)
    return
  }
  field.mutate(domain, field)
})

export const domainValidator = vine.compile(
  vine.object({
    domain: vine.string().trim().maxLength(1024).use(customDomain()),
  })
)

domainValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'Enter the domain name, like blog.example.com.',
  'domain.maxLength': 'A domain name has at most 253 characters.',
})
