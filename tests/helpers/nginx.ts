import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path))

export interface Nginx {
  stop: () => Promise<void>
  log: () => Promise<string>
}

/*
 * Debian's nginx in the foreground, as a load balancer in front of `upstreams`
 * (round robin), on `port`. It sets the proxy headers as a deployment would; on
 * `httpsPort` it says every request came over https, as a TLS-terminating proxy does.
 */
export async function startNginx(port: number, httpsPort: number, upstreams: number[]): Promise<Nginx> {
  if (!NGINX) throw new Error('nginx is not installed')
  const prefix = await mkdtemp(join(app.makePath('tmp'), 'nginx-'))
  const proxy = (scheme: string) => `
      proxy_pass http://echoblogs;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Proto ${scheme};`
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream echoblogs {
    ${upstreams.map((upstream) => `server 127.0.0.1:${upstream};`).join('\n    ')}
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${port};
    location / {${proxy('$scheme')}
    }
  }
  server {
    listen 127.0.0.1:${httpsPort};
    location / {${proxy('https')}
    }
  }
}
`
  )
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const deadline = Date.now() + 10_000
  while (!existsSync(join(prefix, 'nginx.pid'))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    log: async () => output,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGQUIT')
      await exited
    },
  }
}
