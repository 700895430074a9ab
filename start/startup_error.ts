import { prettyPrintError } from '@adonisjs/core'

/*
 * Validates the environment (#start/env) while the app boots. Inside an Ace command the
 * kernel would print the failure its own way, so an incomplete environment ends the
 * process here, before anything has started, with the one line below.
 */
export async function loadEnv() {
  try {
    await import('#start/env')
  } catch (error) {
    if ((error as { code?: string })?.code !== 'E_INVALID_ENV_VARIABLES') throw error
    reportStartupError(error)
    process.exit(1)
  }
}

/*
 * How an entry point (bin/*.ts) reports an error that stopped it. Missing or invalid
 * settings get one line that says which and what to do: the pretty printer wraps at the
 * terminal's width, which is one word per line when output is not a terminal.
 */
export function reportStartupError(error: unknown) {
  process.exitCode = 1
  const { code, help } = (error ?? {}) as { code?: string; help?: string }
  if (code === 'E_INVALID_ENV_VARIABLES') {
    const problems = String(help ?? '')
      .split('\n')
      .map((line) => line.replace(/^-\s*/, '').trim())
      .filter(Boolean)
      .join('; ')
    console.error(
      `Cannot start, the environment is incomplete: ${problems}. Copy .env.example to .env and fill it in (\`npm run dev\` creates one).`
    )
    return
  }
  return prettyPrintError(error)
}
