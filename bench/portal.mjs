// Starting the portal on a fresh demo database and signing in, for the benchmark (run.mjs)
// and the profile the release build is optimized with (train.mjs).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PASSWORD = 'Poppy-Demo-Password-2026!';
const isoDay = (daysAgo) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
/** Claims Lookup's search of the last year by date of service, newest first. */
export const claimsOfTheYear = () =>
  `/claims?by=date&from=${isoDay(365)}&to=${isoDay(0)}&date_type=service&status=&cin=&order=newest`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  execFileSync('python3', ['-c', 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'])
    .toString()
    .trim();

/** A fresh database with the demo data (`scale` claims) and `serverBin` on it, serving
 * `siteRoot` (with `serveEnv` added to the server's environment, not the load's): its address,
 * the process, how long the load took, how long the server took to answer /healthz, and
 * `stop`, which resolves once the server has exited. `under`: a command the server runs under
 * (valgrind's, say), its arguments before the server's. */
export async function startServer(serverBin, siteRoot, scale, serveEnv = {}, under = []) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${data}/db/portal.db`,
    PORTAL_SECRET_KEY_FILE: `${data}/keys/portal.key`,
    PORTAL_DEV_MAILBOX: '1',
    PORTAL_PLAIN_HTTP: '1',
    // The log-in load comes from many addresses, as a proxy in front would say.
    PORTAL_TRUSTED_PROXIES: '127.0.0.1',
    LEPTOS_SITE_ROOT: siteRoot,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_OUTPUT_NAME: 'portal',
    LEPTOS_ENV: 'PROD',
    RUST_LOG: 'error',
  };
  // As a deployment runs by default: a panic's backtrace would read the binary's debug
  // information into memory and skew the memory figures.
  delete env.RUST_BACKTRACE;
  const loading = performance.now();
  execFileSync(serverBin, ['demo-data', '--scale', String(scale)], { env, stdio: 'ignore' });
  const loadMs = performance.now() - loading;
  // Node loads its HTTP client on the first fetch (tens of milliseconds): before the clock starts.
  await fetch(`${base}/healthz`).catch(() => {});
  const started = performance.now();
  const [command, ...args] = [...under, serverBin, 'serve'];
  const server = spawn(command, args, { env: { ...env, ...serveEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  process.on('exit', () => server.kill());
  // Panics are counted, and where each was named: a task that panics is lost without failing
  // the request that began it.
  server.panics = 0;
  server.panicked = new Set();
  server.stderr.setEncoding('utf8');
  server.stderr.on('data', (text) => {
    server.panics += (text.match(/ panicked at /g) ?? []).length;
    for (const [, place, message] of text.matchAll(/ panicked at (\S+):\n(.*)/g)) {
      server.panicked.add(`${place} ${message}`.replaceAll("|", "\\|"));
    }
  });
  while (true) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    await sleep(1);
  }
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stop = async () => {
    server.kill();
    await exited;
    fs.rmSync(data, { recursive: true, force: true });
  };
  return { base, env, server, loadMs, coldStartMs: performance.now() - started, stop };
}

// A signed-in session: password, passcode from the dev mailbox.
export async function post(base, pathname, form, cookie) {
  const response = await fetch(base + pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  const set = response.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => !c.endsWith('='));
  return { status: response.status, cookie: set };
}
export async function signIn(base) {
  const challenge = (await post(base, '/api/log-in', { email: 'admin@sunrise.example', password: PASSWORD })).cookie;
  await post(base, '/api/log-in/send-passcode', { channel: 'sms' }, challenge);
  const [sms] = await (await fetch(`${base}/dev/mailbox.json`)).json();
  return (await post(base, '/api/log-in/verify-passcode', { code: sms.codes[0] }, challenge)).cookie;
}
