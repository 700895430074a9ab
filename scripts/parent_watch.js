/*
 * Preloaded (NODE_OPTIONS --import) into every process `npm run dev` starts: `ace serve`
 * and the server it runs. Each exits as soon as the process that started it is gone,
 * however that went (SIGKILL, a closed terminal), so no server is left holding the port.
 */
const parent = process.ppid

const watch = setInterval(() => {
  if (process.ppid !== parent) process.exit(1)
}, 250)
watch.unref()
