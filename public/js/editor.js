/*
 * The post editor, improved where scripts run: a live preview and word count rendered by
 * the server with the published page's renderer, Ctrl+S / Cmd+S to save, and tag
 * suggestions after a comma. Without it the editor still works: its Preview button
 * renders the same preview with a full page.
 */
const content = document.getElementById('field-content')
const form = content && content.form
const previewButton = form && form.querySelector('button[formaction]')
const saveButton = form && form.querySelector('button[type="submit"]:not([formaction])')
const pane = document.getElementById('preview-body')
const status = document.getElementById('preview-status')
const counter = document.getElementById('word-count')

const PAUSE_MS = 700

if (content && form && previewButton && saveButton && pane && status && counter) {
  const csrf = form.querySelector('input[name="_csrf"]').value
  let timer
  let inFlight = false
  let again = false
  let shown = null

  const refresh = async () => {
    if (inFlight) {
      again = true
      return
    }
    const text = content.value
    if (text === shown) return
    inFlight = true
    try {
      const response = await fetch(previewButton.formAction, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'accept': 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, content: text }),
      })
      const body = await response.json().catch(() => null)
      if (response.ok && body && typeof body.html === 'string') {
        pane.innerHTML = body.html
        counter.textContent = body.words
        shown = text
        status.textContent = ''
      } else {
        const message = body && body.errors && body.errors[0] ? body.errors[0].message : `The preview failed (${response.status}).`
        status.textContent = `${message} Your text is safe; saving still works.`
      }
    } catch {
      status.textContent = 'The preview is unavailable (no connection). Your text is safe in the editor.'
    } finally {
      inFlight = false
      if (again) {
        again = false
        schedule()
      }
    }
  }

  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(refresh, PAUSE_MS)
  }

  content.addEventListener('input', schedule)
  form.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault()
      form.requestSubmit(saveButton)
    }
  })
  document.documentElement.classList.add('editor-live')
  if (pane.dataset.fresh === 'true') shown = content.value
  else if (content.value) refresh()
}

const tags = document.getElementById('field-tags')
const list = tags && tags.list
if (tags && list) {
  const known = [...list.options].map((option) => option.value)
  tags.addEventListener('input', () => {
    const cut = tags.value.lastIndexOf(',')
    const before = cut === -1 ? '' : `${tags.value.slice(0, cut + 1).trimEnd()} `
    const chosen = new Set(before.split(',').map((name) => name.trim().toLowerCase()))
    list.replaceChildren(
      ...known
        .filter((name) => !chosen.has(name.toLowerCase()))
        .map((name) => Object.assign(document.createElement('option'), { value: before + name }))
    )
  })
}
