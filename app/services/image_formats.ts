/*
 * What an uploaded file is, from its first bytes: the four formats a browser shows as an
 * image and that carry no script. SVG is not among them (it is XML that may hold
 * scripts), nor is anything recognised by its name or the type the browser claims.
 */
export interface ImageFormat {
  mimeType: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp'
  extension: 'jpg' | 'png' | 'gif' | 'webp'
}

/* Enough of the file to recognise every format. */
export const SIGNATURE_BYTES = 12

const FORMATS: { format: ImageFormat; matches: (head: Buffer) => boolean }[] = [
  {
    format: { mimeType: 'image/jpeg', extension: 'jpg' },
    matches: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  },
  {
    format: { mimeType: 'image/png', extension: 'png' },
    matches: (head) => head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    format: { mimeType: 'image/gif', extension: 'gif' },
    matches: (head) => ['GIF87a', 'GIF89a'].includes(head.toString('latin1', 0, 6)),
  },
  {
    format: { mimeType: 'image/webp', extension: 'webp' },
    matches: (head) => head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP',
  },
]

export function detectFormat(head: Buffer): ImageFormat | null {
  if (head.length < SIGNATURE_BYTES) return null
  return FORMATS.find((entry) => entry.matches(head))?.format ?? null
}

export const MIME_BY_EXTENSION: Record<string, ImageFormat['mimeType']> = Object.fromEntries(
  FORMATS.map(({ format }) => [format.extension, format.mimeType])
)

export interface Dimensions {
  width: number
  height: number
}

/*
 * Width and height as the file's header states them, read from its first bytes only;
 * null when they are not there (a JPEG whose metadata comes first, a truncated file).
 */
export function readDimensions(format: ImageFormat, head: Buffer): Dimensions | null {
  try {
    switch (format.extension) {
      case 'png':
        return head.toString('latin1', 12, 16) === 'IHDR' ? sized(head.readUInt32BE(16), head.readUInt32BE(20)) : null
      case 'gif':
        return sized(head.readUInt16LE(6), head.readUInt16LE(8))
      case 'webp':
        return webpDimensions(head)
      case 'jpg':
        return jpegDimensions(head)
    }
  } catch (error) {
    if (error instanceof RangeError) return null
    throw error
  }
}

function sized(width: number, height: number): Dimensions | null {
  return width > 0 && height > 0 ? { width, height } : null
}

function webpDimensions(head: Buffer) {
  const chunk = head.toString('latin1', 12, 16)
  if (chunk === 'VP8 ') return sized(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff)
  if (chunk === 'VP8L') {
    const bits = head.readUInt32LE(21)
    return sized((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
  }
  if (chunk === 'VP8X') return sized(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1)
  return null
}

/*
 * Walks the JPEG's segments to its frame header (SOF0-SOF15 but DHT, JPG and DAC).
 */
function jpegDimensions(head: Buffer) {
  let offset = 2
  while (offset + 9 <= head.length) {
    if (head[offset] !== 0xff) return null
    const marker = head[offset + 1]
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return sized(head.readUInt16BE(offset + 7), head.readUInt16BE(offset + 5))
    }
    offset += 2 + head.readUInt16BE(offset + 2)
  }
  return null
}
