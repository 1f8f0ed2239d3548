// nginx as the reference reverse proxy of case 1: found, installed with apt-get when allowed,
// configured in a private temporary folder and run as our own child process (never the system's).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx', '/usr/local/nginx/sbin/nginx'];

export function findNginx() {
  for (const candidate of CANDIDATES) if (existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8', timeout: 2000 }).trim() || null;
  } catch {
    return null;
  }
}

/** pid of a running system nginx (Debian's pid file), or null. */
function systemNginxPid() {
  try {
    const pid = Number(readFileSync('/run/nginx.pid', 'utf8').trim());
    if (pid > 0 && existsSync(`/proc/${pid}`)) return pid;
  } catch {
    // none
  }
  return null;
}

/**
 * The nginx binary, installing the Debian package when missing and allowed.
 * Returns { path } or { skipped: reason }; log receives progress lines.
 */
export function ensureNginx({ mayInstall, log, timeoutMs = 240_000 }) {
  const found = findNginx();
  if (found) return { path: found, installed: false };
  if (!mayInstall.allowed) return { skipped: `nginx is not installed (${mayInstall.reason})` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { skipped: 'nginx is not installed and this is not root, so apt-get cannot install it' };
  }
  const before = systemNginxPid();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  log('nginx is not installed: apt-get install -y nginx');
  let result = apt(['install', '-y', '--no-install-recommends', 'nginx']);
  if (result.status !== 0) {
    log('apt-get install failed, running apt-get update first');
    const update = apt(['update']);
    if (update.status !== 0) return { skipped: `apt-get update failed: ${(update.stderr || String(update.error)).trim().split('\n').pop()}` };
    result = apt(['install', '-y', '--no-install-recommends', 'nginx']);
  }
  if (result.status !== 0) return { skipped: `apt-get install nginx failed: ${(result.stderr || String(result.error)).trim().split('\n').pop()}` };
  // The package's postinst may start the system nginx (port 80); we did not ask for it, so stop it.
  let stoppedSystemNginx = null;
  const after = systemNginxPid();
  if (after && after !== before) {
    try {
      process.kill(after, 'SIGQUIT');
      stoppedSystemNginx = after;
      log(`apt-get started the system nginx (pid ${after}); stopped it`);
    } catch {
      // already gone
    }
  }
  const installed = findNginx();
  return installed ? { path: installed, installed: true, stoppedSystemNginx } : { skipped: 'apt-get installed nginx but no nginx binary was found' };
}

/**
 * Starts nginx with one worker (the gateway is one Node process) as a plain reverse proxy with
 * upstream keep-alive in front of user-service: `/api/...` → `/...` with the identity headers
 * set, the same rewrite and headers the gateway applies, minus JWT verification.
 */
export async function startNginx({ binary, port, upstreamPort, identity }) {
  const dir = path.join(tmpdir(), `microshop-bench-nginx-${process.pid}-${port}`);
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  const q = (value) => `"${String(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const proxied = `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header x-forwarded-for $proxy_add_x_forwarded_for;`;
  const conf = `
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  upstream user_service {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port};
    location = /health {
      proxy_pass http://user_service/health;${proxied}
    }
    location /api/ {
      proxy_pass http://user_service/;${proxied}
      proxy_set_header x-gateway-token ${q(identity.gatewayToken)};
      proxy_set_header x-user-id ${q(identity.userId)};
      proxy_set_header x-user-role ${q(identity.role)};
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const check = spawnSync(binary, ['-t', '-q', '-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8', timeout: 10_000 });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t failed: ${(check.stderr || '').trim()}`);
  }
  const child = spawn(binary, ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on("data", (chunk) => { stderr = (stderr + chunk).slice(-2000); });
  const version = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 5000 }).stderr.trim().replace(/^nginx version: /, '');
  // Ready when it answers (bounded: 5 s).
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr.trim()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer within 5 s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { pid: child.pid, version, stop, workers: 1 };
}
