/*
 * A serving process starts its Markdown renderer's worker at boot (#services/post_renderer).
 */
import postRenderer from '#services/post_renderer'

postRenderer.warm()
