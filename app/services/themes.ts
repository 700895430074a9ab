/*
 * The built-in themes a blog's reader pages can wear. Each is the base stylesheet
 * (css/app.css, today's look, light or dark as the reader's system prefers) plus, for the
 * others, one stylesheet of its own and a class on <body> that the layout reads to vary
 * the header. The dashboard always wears the default.
 */
export const THEMES = {
  plain: {
    label: 'Plain',
    hint: 'light or dark as the reader’s system prefers, sans-serif',
    stylesheet: null,
  },
  paper: {
    label: 'Paper',
    hint: 'light, warm paper and serif type, a centred header',
    stylesheet: 'css/themes/paper.css',
  },
  ink: {
    label: 'Ink',
    hint: 'dark, light text on ink, a wide measure',
    stylesheet: 'css/themes/ink.css',
  },
} as const

export type ThemeName = keyof typeof THEMES

/* The database default of public.tenants.theme (migration 0014) names the same theme. */
export const DEFAULT_THEME: ThemeName = 'plain'

export const THEME_NAMES = Object.keys(THEMES) as ThemeName[]

export function isThemeName(value: unknown): value is ThemeName {
  return typeof value === 'string' && Object.hasOwn(THEMES, value)
}

/*
 * The theme a blog's pages wear: its own, or the default for a name this version does not
 * know (a row written by a newer version, or by hand).
 */
export function themeOf(blog: { theme: string } | null | undefined) {
  const name = blog && isThemeName(blog.theme) ? blog.theme : DEFAULT_THEME
  return { name, ...THEMES[name] }
}

export const THEME_OPTIONS = THEME_NAMES.map((name) => ({
  value: name,
  label: `${THEMES[name].label}: ${THEMES[name].hint}`,
}))

/*
 * The theme of a page: the blog's on its readers' pages, the default on the main site and
 * in a blog's dashboard (route names `blog.dashboard...`).
 */
export function pageTheme(blog: { theme: string } | null | undefined, routeName: string | undefined) {
  return routeName?.startsWith('blog.dashboard') ? themeOf(null) : themeOf(blog)
}
