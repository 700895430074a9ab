export interface ServerSettings {
  host: string
  port: number
  user: string
  password: string
}

export type DatabaseSettings = ServerSettings | { connectionString: string }

export function startEmbeddedPostgres(options: {
  root: string
  name: string
  preferredPort: number
  log?: (message: string) => void
}): Promise<{ settings: ServerSettings; stop: () => Promise<void> }>

export function configuredDatabase(env: Record<string, string | undefined>): DatabaseSettings | null

export function toEnv(settings: DatabaseSettings, database?: string): Record<string, string>

export function ensureDatabase(
  settings: DatabaseSettings,
  database: string,
  options?: { fresh?: boolean }
): Promise<void>
