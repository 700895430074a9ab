/*
 * /proc helpers: process trees, RSS/PSS, CPU ticks (Linux only).
 */
import { readFileSync, readdirSync } from 'node:fs'

const TICK = 100 // CLK_TCK on Linux

function read(path) {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

export function statOf(pid) {
  const raw = read(`/proc/${pid}/stat`)
  if (!raw) return null
  const close = raw.lastIndexOf(')')
  const comm = raw.slice(raw.indexOf('(') + 1, close)
  const f = raw.slice(close + 2).split(' ')
  // f[0] = state (field 3); utime = field 14 -> f[11]; stime f[12]; cutime f[13]; cstime f[14]; ppid f[1]
  return { pid, comm, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) }
}

export function allStats() {
  const out = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const s = statOf(Number(entry))
    if (s) out.push(s)
  }
  return out
}

export function treeOf(rootPid, stats = allStats()) {
  const children = new Map()
  for (const s of stats) {
    if (!children.has(s.ppid)) children.set(s.ppid, [])
    children.get(s.ppid).push(s.pid)
  }
  const pids = []
  const stack = [rootPid]
  while (stack.length) {
    const pid = stack.pop()
    if (!stats.some((s) => s.pid === pid)) continue
    pids.push(pid)
    stack.push(...(children.get(pid) ?? []))
  }
  return pids
}

export function cpuSeconds(pids) {
  let ticks = 0
  for (const pid of pids) {
    const s = statOf(pid)
    if (s) ticks += s.utime + s.stime
  }
  return ticks / TICK
}

export function reapedChildrenSeconds() {
  const s = statOf(process.pid)
  return (s.cutime + s.cstime) / TICK
}

export function machineBusySeconds() {
  const line = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
  return (user + nice + system + irq + softirq + (steal ?? 0)) / TICK
}

export function memoryOf(pids) {
  const perProcess = []
  for (const pid of pids) {
    const status = read(`/proc/${pid}/status`)
    if (!status) continue
    const rss = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024
    const rollup = read(`/proc/${pid}/smaps_rollup`)
    const pss = rollup ? Number(rollup.match(/Pss:\s+(\d+)/)?.[1] ?? 0) / 1024 : null
    perProcess.push({ pid, rssMb: round1(rss), pssMb: pss === null ? null : round1(pss) })
  }
  return {
    perProcess,
    rssMb: round1(perProcess.reduce((a, p) => a + p.rssMb, 0)),
    pssMb: round1(perProcess.reduce((a, p) => a + (p.pssMb ?? 0), 0)),
  }
}

export const round1 = (x) => Math.round(x * 10) / 10
