/*
 * "1 word", "1,204 words": the count comes from the renderer (#services/markdown), which
 * counts the text a reader reads, off the event loop.
 */
export function wordsLabel(words: number): string {
  return `${words.toLocaleString('en')} ${words === 1 ? 'word' : 'words'}`
}
