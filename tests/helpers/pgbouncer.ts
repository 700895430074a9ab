import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import app from '@adonisjs/core/services/app'

export const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) => existsSync(path))

export interface Bouncer {
  port: number
  database: string
  stop: () => Promise<void>
}

/*
 * Debian's pgbouncer in transaction-pooling mode in front of the test database. It
 * refuses to run as root, so as root it runs as the postgres OS user.
 */
export async function startPgBouncer(port: number, server: {
  host: string
  port: number
  user: string
  password: string
  database: string
}): Promise<Bouncer> {
  if (!PGBOUNCER) throw new Error('pgbouncer is not installed')
  const directory = await mkdtemp(join(app.makePath('tmp'), 'pgbouncer-'))
  const alias = 'echoblogs_bounced'
  await writeFile(join(directory, 'userlist.txt'), `"${server.user}" "${server.password}"\n`)
  await writeFile(
    join(directory, 'pgbouncer.ini'),
    [
      '[databases]',
      `${alias} = host=${server.host} port=${server.port} dbname=${server.database} user=${server.user}` +
        (server.password ? ` password='${server.password}'` : ''),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(directory, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 500',
      'server_reset_query =',
      'ignore_startup_parameters = extra_float_digits',
      `logfile = ${join(directory, 'pgbouncer.log')}`,
      `pidfile = ${join(directory, 'pgbouncer.pid')}`,
    ].join('\n')
  )
  if (await listening(port)) throw new Error(`port ${port} is taken: a pgbouncer left over by an earlier run?`)
  const asRoot = userInfo().uid === 0
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres']).stdout.toString().trim()
    const gid = spawnSync('id', ['-g', 'postgres']).stdout.toString().trim()
    chownSync(directory, Number(ids), Number(gid))
  }
  const command = asRoot ? 'runuser' : PGBOUNCER
  const args = asRoot ? ['-u', 'postgres', '--', PGBOUNCER, join(directory, 'pgbouncer.ini')] : [join(directory, 'pgbouncer.ini')]
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let errors = ''
  child.stderr!.on('data', (chunk) => (errors += chunk))

  for (let waited = 0; !(await listening(port)); waited += 100) {
    if (child.exitCode !== null || waited > 10_000) throw new Error(`pgbouncer did not start: ${errors}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    port,
    database: alias,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(directory, { recursive: true, force: true })
    },
  }
}

function listening(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
