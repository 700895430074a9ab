export const PATHOLOGICAL_CLASSES: Record<string, (bytes: number) => string>
export function runMarkdownBench(options?: {
  limitMs?: number
  parsers?: string[]
  log?: (line: string) => void
}): Promise<{ sizes: number[]; limitMs: number; rows: unknown[]; worst: Record<string, number> }>
