import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The built server runs on a free port against a fresh database with demo data. Building is
// the test command's job; this only starts what was built. The main process picks the port
// and folder once; workers inherit them through the environment.
const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
// E2E_SERVER names another build of the server to run the suite against, the release one for
// instance (target/site must then hold that build's site).
const server = process.env.E2E_SERVER ? path.resolve(process.env.E2E_SERVER) : path.join(targetDir, 'debug', 'server');
const freePort = () =>
  execFileSync('python3', ['-c', 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'])
    .toString()
    .trim();
process.env.E2E_PORT ??= freePort();
process.env.E2E_NO_SCRIPT_PORT ??= freePort();
process.env.E2E_IDLE_PORT ??= freePort();
process.env.E2E_OFFICES_PORT ??= freePort();
process.env.E2E_DATA ??= fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-'));
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;
const noScriptURL = `http://127.0.0.1:${process.env.E2E_NO_SCRIPT_PORT}`;
const idleURL = `http://127.0.0.1:${process.env.E2E_IDLE_PORT}`;
const officesURL = `http://127.0.0.1:${process.env.E2E_OFFICES_PORT}`;

/** A server of the built binary on its own port and database. */
function portal(port: string, name: string, extra: Record<string, string> = {}) {
  return {
    command: `"${server}" demo-data && exec "${server}" serve`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      DATABASE_URL: `sqlite://${process.env.E2E_DATA}/${name}.db`,
      // Apart from the database folder, as the server requires.
      PORTAL_SECRET_KEY_FILE: `${process.env.E2E_DATA}-keys/${name}.key`,
      PORTAL_DEV_MAILBOX: '1',
      PORTAL_PLAIN_HTTP: '1',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
      LEPTOS_OUTPUT_NAME: 'portal',
      RUST_LOG: 'warn',
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: './tests',
  // A walk is many pages, each loading the app, and often several people's sign-ins: on a
  // busy two-core machine it has taken more than twice as long as on a quiet one.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['./failure-page.ts']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'portal', testIgnore: /(idle|offices|step-up)\.hydrate\.spec\.ts/ },
    // JavaScript off, as on an office PC before the browser app has loaded: every spec but
    // the walks that need the app (`*.hydrate.spec.ts`). On a server of its own, so that the
    // demo accounts' sign-ins stay within the hourly passcode limits on each.
    {
      name: 'no-script',
      testIgnore: /\.hydrate\.spec\.ts$/,
      use: { javaScriptEnabled: false, baseURL: noScriptURL },
    },
    // A server whose sessions end after 10 idle seconds (warning at 5).
    { name: 'idle', testMatch: /idle\.hydrate\.spec\.ts/, use: { baseURL: idleURL } },
    // One out of the way of the others: an office is suspended and reinstated there,
    // and a passcode counts as a fresh step-up for 4 seconds only.
    { name: 'isolated', testMatch: /(offices|step-up)\.hydrate\.spec\.ts/, use: { baseURL: officesURL } },
  ],
  webServer: [
    portal(process.env.E2E_PORT!, 'portal'),
    portal(process.env.E2E_NO_SCRIPT_PORT!, 'no-script'),
    portal(process.env.E2E_IDLE_PORT!, 'idle', { PORTAL_SESSION_IDLE_SECONDS: '10' }),
    portal(process.env.E2E_OFFICES_PORT!, 'isolated', { PORTAL_STEP_UP_SECONDS: '4' }),
  ],
});
