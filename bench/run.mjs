// The portal's figures, each beside a reference measured in the same run. Reports; never
// passes or fails. Run by `./setup.sh bench` after a release build:
//
//   node bench/run.mjs <server binary> <site root>
//
// Needs `wrk` and `valgrind` (Debian) and Chromium; writes the table to stdout and appends it,
// with the machine and date, to bench/RESULTS.md.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { claimsOfTheYear, signIn, sleep, startServer } from './portal.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'end2end', 'package.json'));
const { chromium } = require('@playwright/test');
const [serverBin, siteRoot] = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const demo = await startServer(serverBin, siteRoot, 2000);
const { base, env, server, coldStartMs } = demo;
/** Resident memory (MB): all of it, and the part that is the process's own (heap, stacks,
 * SQLite's caches) rather than pages of the binary's code and data mapped from the file, which
 * the kernel shares and can drop. */
const rssMb = () => {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) / 1024;
  return { all: kb('VmRSS'), own: kb('RssAnon') };
};
const memory = ({ all, own }) => `${f(all)} MB (own ${f(own)} MB)`;
// Idle: a second after start, when the first housekeeping has run.
await sleep(1000);
const idleRss = rssMb();

const session = await signIn(base);

const css = fs.readdirSync(path.join(siteRoot, 'pkg')).find((f) => f.endsWith('.css'));

/** The CPU time (µs) process `pid` has used, user and system, from /proc. */
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const cpuUs = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};

/** wrk's requests/s, p50 and p99 (ms) for `url`, and the CPU the server (`pid`; none for loads
 * run side by side) spent a request (µs): steadier from one run to the next than requests/s,
 * which this machine's other work (wrk's own included) moves. One wrk thread unless told: on a
 * machine of few cores, each thread more takes a core's share from the server it measures. */
async function wrk(url, { connections = 32, threads = 1, headers = [], script, pid = server.pid } = {}) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${SECONDS}s`, '--latency'];
  for (const h of headers) args.push('-H', h);
  if (script) args.push('-s', script);
  const cpuBefore = pid ? cpuUs(pid) : NaN;
  const out = (await promisify(execFile)('wrk', [...args, url])).stdout;
  const cpu = pid ? (cpuUs(pid) - cpuBefore) / Number(/(\d+) requests in/.exec(out)[1]) : NaN;
  const ms = (label) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), p50: ms(' 50'), p99: ms(' 99'), cpu };
}

const rows = [];
const row = (figure, value, reference) => rows.push([figure, value, reference]);
const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const load = (r) =>
  `${f(r.rps, 0)} req/s, p50 ${f(r.p50, 2)} ms, p99 ${f(r.p99, 2)} ms` +
  (Number.isFinite(r.cpu) ? `, ${f(r.cpu, 0)} µs CPU a request` : '') +
  (r.rounds ? ` (the three runs' p99: ${r.rounds.map((p99) => f(p99, 2)).join(', ')} ms)` : '');

/** The middle one of `items` by `key`, their order kept. */
const median = (items, key) => [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)];

/** Of three runs of a load, the one with the median p99, with every run's p99 in the order
 * they ran: a shared machine's other work moves the 32-connection figures from one run to the
 * next by more than the changes they measure, and the table shows by how much. */
async function steady(url, options) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await wrk(url, options));
  const rounds = runs.map((run) => run.p99);
  return { ...median(runs, (run) => run.p99), rounds };
}

const reference = load(await steady(`${base}/healthz`));
row('static file (9 KB CSS), 32 connections', load(await steady(`${base}/pkg/${css}`)), `/healthz: ${reference}`);
row('`/login`, 32 connections', load(await steady(`${base}/login`)), `/healthz: ${reference}`);
const dashboard = load(await steady(`${base}/`, { headers: [`Cookie: ${session}`] }));
row('My Dashboard (signed in), 32 connections', dashboard, `/healthz: ${reference}`);
// As the table measured it until 2026-12-06: two wrk threads beside the server on 2 cores.
row(
  'My Dashboard (signed in), 32 connections, two wrk threads',
  load(await steady(`${base}/`, { threads: 2, headers: [`Cookie: ${session}`] })),
  `one wrk thread: ${dashboard}`,
);
// As a browser asks for it over HTTPS: compressed as it leaves (with gzip, see `routes::router`).
row(
  'My Dashboard compressed, as Chromium asks (`Accept-Encoding: gzip, deflate, br, zstd`), 32 connections',
  load(await steady(`${base}/`, { headers: [`Cookie: ${session}`, 'Accept-Encoding: gzip, deflate, br, zstd'] })),
  `uncompressed: ${dashboard}`,
);
const single = await wrk(`${base}/login`, { connections: 1, threads: 1 });
const singleReference = await wrk(`${base}/healthz`, { connections: 1, threads: 1 });
row('`/login`, one kept-alive connection', load(single), `/healthz: ${load(singleReference)}`);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-scripts-'));
/** A wrk script that posts forms to the portal; `lua` sets headers and defines `request`. */
function postScript(name, lua) {
  const file = path.join(scratch, name);
  fs.writeFileSync(
    file,
    `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "${base}"
${lua}`,
  );
  return file;
}
// Log-in attempts (wrong passwords, argon2id) from many addresses, with the dashboard's p99
// measured while they run: first at the pace offices browse (4 connections, each asking again
// 40 ms after its answer: about 100 dashboards a second), then as fast as 4 connections are
// answered, which leaves the hashing only what the pages do not take. The attempts go flat out
// (8 connections), and once more at the goal's floor, about 40 a second.
const attempt = `request = function()
  local ip = math.random(1, 250) .. "." .. math.random(0, 250) .. "." .. math.random(0, 250) .. "." .. math.random(1, 250)
  wrk.headers["X-Forwarded-For"] = ip
  return wrk.format(nil, "/api/log-in", nil, "email=user" .. math.random(1, 100000) .. "%40bench.example&password=not-the-password")
end
`;
const script = postScript('login.lua', attempt);
// Each of the 8 connections asks again 180 ms after its answer.
const scriptAtFloor = postScript('login-floor.lua', `${attempt}delay = function() return 180 end\n`);
const paced = path.join(scratch, 'paced.lua');
fs.writeFileSync(paced, 'delay = function() return 40 end\n');
const dashboards = (options) => wrk(`${base}/`, { connections: 4, threads: 1, headers: [`Cookie: ${session}`], ...options });
/** The log-in attempts and, from a second in, the dashboard load `options` beside them. */
const underAttack = (options, attempts = script) =>
  Promise.all([
    wrk(base, { connections: 8, threads: 1, script: attempts, pid: null }),
    sleep(1000).then(() => dashboards({ ...options, pid: null })),
  ]).catch(() => [null, null]);
const quietPaced = await dashboards({ script: paced });
const [attempts, busyPaced] = await underAttack({ script: paced });
row(
  'log-in attempts (argon2id), 8 connections, beside ~100 dashboards/s',
  attempts ? `${f(attempts.rps, 0)} /s` : 'n/a',
  'the goal: ≥ 40 /s',
);
row(
  "My Dashboard's p99 at ~100/s during the log-in attempts",
  busyPaced ? `${f(busyPaced.p99, 2)} ms (${f(busyPaced.rps, 0)} req/s)` : 'n/a',
  `without them: ${f(quietPaced.p99, 2)} ms (${f(quietPaced.rps, 0)} req/s)`,
);
// At the floor, three rounds, each beside its own quiet reference: the p99 of one round's
// ~1,000 pages moved by half from one round to the next (1.2 to 2.1 times the quiet p99).
const floorRounds = [];
for (let i = 0; i < 3; i++) {
  const quiet = i === 0 ? quietPaced : await dashboards({ script: paced });
  const [tried, busy] = await underAttack({ script: paced }, scriptAtFloor);
  if (tried && busy) floorRounds.push({ quiet, tried, busy, ratio: busy.p99 / quiet.p99 });
}
// The median round; every round's ratio is shown in the order they ran, as in the rows above.
const floor = median(floorRounds, (round) => round.ratio);
row(
  "My Dashboard's p99 at ~100/s during log-in attempts at the goal's floor, the median of 3 rounds",
  floor
    ? `${f(floor.busy.p99, 2)} ms (${f(floor.busy.rps, 0)} req/s) beside ${f(floor.tried.rps, 0)} attempts/s: ` +
        `${f(floor.ratio, 2)} × (rounds: ${floorRounds.map((r) => `${f(r.ratio, 2)} ×`).join(', ')})`
    : 'n/a',
  floor
    ? `without them: ${f(floor.quiet.p99, 2)} ms (${f(floor.quiet.rps, 0)} req/s); the goal: ≤ 2 ×`
    : 'the goal: ≤ 2 ×',
);
const quietDashboard = await dashboards({});
const [attemptsBesideFull, busyDashboard] = await underAttack({});
row(
  'log-in attempts beside My Dashboard asked as fast as 4 connections are answered',
  attemptsBesideFull && busyDashboard
    ? `${f(attemptsBesideFull.rps, 0)} /s; dashboard ${load(busyDashboard)}`
    : 'n/a',
  `dashboard without them: ${load(quietDashboard)}`,
);
// A year of one provider's remittance advice, typeset from the demo's claims (the goal: < 1 s).
const documents = JSON.parse(execFileSync(serverBin, ['bench-documents'], { env }).toString().trim().split('\n').pop());
row(
  `PDF: a year of remittance advice (${documents.lines} claims, ${f(documents.bytes / 1024, 0)} KB)`,
  `${f(documents.year_ms, 0)} ms (goal: < 1000 ms)`,
  `a one-page welcome letter: ${f(documents.letter_ms, 0)} ms`,
);
// "Find an ICD Code" as the user types (the referral wizard asks after each keystroke).
const icdScript = postScript(
  'icd.lua',
  `wrk.headers["Cookie"] = "${session}"
local words = { "chest pain", "diab", "type 2 diabetes mellitus", "fracture of", "a", "J45", "major depressive" }
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/api/referrals/icd", nil, "words=" .. words[n % #words + 1]:gsub(" ", "+"))
end
`,
);
row('ICD-10-CM search as the user types, one connection', load(await wrk(base, { connections: 1, threads: 1, script: icdScript })), `/healthz: ${load(singleReference)}`);

// The part of a cold start that is only starting a process: the same binary printing its help
// (loaded, linked and relocated, then exiting), the best of five.
const helpMs = Math.min(...[1, 2, 3, 4, 5].map(() => {
  const started = performance.now();
  execFileSync(serverBin, ['--help'], { stdio: 'ignore' });
  return performance.now() - started;
}));
row('cold start to /healthz, idle memory 1 s later', `${f(coldStartMs, 0)} ms, ${memory(idleRss)}`, `the binary's --help: ${f(helpMs, 0)} ms; memory after the loads: ${memory(rssMb())}`);

// Claims Lookup at a million claims, beside the same searches on the demo's 2,000: the first
// page of a year by date of service, a page 20 "Next page"s further on, and one claim by number;
// and My Dashboard, whose Claims Paid chart sums a year of the office's payments.
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 1_000_000);
async function claimSearches(base, cookie, pid) {
  const first = `${base}${claimsOfTheYear()}`;
  const html = async (url) => (await fetch(url, { headers: { cookie } })).text();
  const page = await html(first);
  const number = /href="\/claims\/(\d+)"/.exec(page)?.[1];
  let later = first;
  for (let i = 0; i < 20; i++) {
    const after = [...(await html(later)).matchAll(/name="after" value="([^"]+)"/g)].map((m) => m[1]).pop();
    if (!after) break;
    later = `${first}&after=${encodeURIComponent(after)}`;
  }
  const headers = [`Cookie: ${cookie}`];
  return {
    first: await wrk(first, { connections: 1, threads: 1, headers, pid }),
    later: await wrk(later, { connections: 1, threads: 1, headers, pid }),
    number: number ? await wrk(`${base}/claims?by=number&number=${number}`, { connections: 1, threads: 1, headers, pid }) : null,
    dashboard: await wrk(`${base}/`, { connections: 1, threads: 1, headers, pid }),
  };
}
const small = await claimSearches(base, session, server.pid);
const large = await startServer(serverBin, siteRoot, CLAIMS);
const big = await claimSearches(large.base, await signIn(large.base), large.server.pid);
await large.stop();
const millions = `${(CLAIMS / 1e6).toLocaleString('en-US')}M`;
row(`demo data: ${millions} claims loaded`, `${f(large.loadMs / 1000, 0)} s`, `2,000 claims: ${f(demo.loadMs / 1000, 1)} s`);
row(`Claims Lookup, a year by date, first page, ${millions} claims, one connection`, load(big.first), `2,000 claims: ${load(small.first)}`);
row(`Claims Lookup, 20 pages further, ${millions} claims, one connection`, load(big.later), `2,000 claims: ${load(small.later)}`);
row(
  `Claims Lookup by claim number, ${millions} claims, one connection`,
  big.number ? load(big.number) : 'n/a',
  `2,000 claims: ${small.number ? load(small.number) : 'n/a'}`,
);
row(`My Dashboard, ${millions} claims, one connection`, load(big.dashboard), `2,000 claims: ${load(small.dashboard)}`);

// The work a page takes, counted rather than timed: the instructions the server runs for My
// Dashboard and for /login under valgrind's callgrind, 200 of each after 40 to warm up, four
// at a time. The same from one run to the next, where CPU time on a shared machine moves by a
// fifth; a change's figure is comparable with an earlier run's. Copies count a byte an
// instruction, so they weigh more here than in time.
async function counted() {
  const out = path.join(scratch, 'callgrind');
  const under = ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`];
  const counting = await startServer(serverBin, siteRoot, 2000, {}, under);
  const cookie = await signIn(counting.base);
  const control = (...args) => execFileSync('callgrind_control', [...args, String(counting.server.pid)], { stdio: 'ignore' });
  const PAGES = 200;
  const measure = async (pathname, dump) => {
    const get = async () => {
      const response = await fetch(counting.base + pathname, { headers: { cookie, 'accept-encoding': 'identity' } });
      await response.text();
      if (response.status !== 200) throw new Error(`${pathname}: ${response.status}`);
    };
    // Four at a time from the start: each of the pool's connections opened and its statements
    // prepared before the count.
    const burst = (n) =>
      Promise.all([1, 2, 3, 4].map(async () => {
        for (let i = 0; i < n / 4; i++) await get();
      }));
    await burst(40);
    control('-i', 'on');
    await burst(PAGES);
    control('-i', 'off');
    control('-d');
    const file = `${out}.${dump}`;
    const total = Number(/^totals: (\d+)/m.exec(fs.readFileSync(file, 'utf8'))[1]);
    const inclusive = execFileSync('callgrind_annotate', ['--inclusive=yes', file], { maxBuffer: 1 << 26 }).toString();
    const sqlite = Number((/^\s*([\d,]+) .*:sqlite3_step /m.exec(inclusive)?.[1] ?? '0').replaceAll(',', ''));
    return { page: total / PAGES, sqlite: sqlite / PAGES };
  };
  try {
    return { dashboard: await measure('/', 1), login: await measure('/login', 2) };
  } finally {
    await counting.stop();
  }
}
const mega = (n) => `${f(n / 1e6, 2)} M`;
try {
  const work = await counted();
  row(
    'My Dashboard: instructions a page, counted (valgrind)',
    `${mega(work.dashboard.page)} (in SQLite ${mega(work.dashboard.sqlite)})`,
    `\`/login\`: ${mega(work.login.page)}`,
  );
} catch (error) {
  row('My Dashboard: instructions a page, counted (valgrind)', `n/a: ${error.message.split('\n')[0]}`, '');
}

// The browser bundle: raw, gzip and brotli. It holds the islands only (the parts of pages
// that follow the user), so one download serves every page.
const kb = (n) => `${f(n / 1024, 0)} KB`;
const pkg = path.join(siteRoot, 'pkg');
const pkgFiles = fs.readdirSync(pkg);
function sizes(files) {
  const t = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(pkg, file));
    t.raw += bytes.length;
    t.gzip += zlib.gzipSync(bytes, { level: 9 }).length;
    t.brotli += zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return `${kb(t.raw)} raw, ${kb(t.gzip)} gzip, ${kb(t.brotli)} brotli`;
}
const initial = pkgFiles.filter((n) => /^portal\.[\w-]+\.(wasm|js)$/.test(n));
row(`bundle: the islands (${initial.map((n) => n.replace(/\.[\w-]{22}\./, '.')).join(', ')})`, sizes(initial), 'the goal: ≤ 150 KB brotli');
row('bundle: stylesheet', sizes([css]), '');

// Chromium, 4× CPU throttling, a 10 Mbit/s link with 20 ms latency.
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
/** A page's timings in a fresh browser (nothing cached). `app`: wait for the browser app to take
 * the page over; a page sent without it is interactive once loaded. */
async function timings(url, { app = false, cookie } = {}) {
  const page = await browser.newPage();
  if (cookie) {
    const [name, ...value] = cookie.split('=');
    await page.context().addCookies([{ name, value: value.join('='), url }]);
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 1_250_000, uploadThroughput: 1_250_000 });
  await page.addInitScript(() => {
    window.__lcp = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  const start = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  if (app) {
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 60_000 });
  }
  const interactive = Date.now() - start;
  await sleep(300);
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const bytes = [nav, ...performance.getEntriesByType('resource')].reduce((s, e) => s + (e.transferSize || 0), 0);
    return { ttfb: nav.responseStart, fcp: fcp ? fcp.startTime : NaN, lcp: window.__lcp, bytes };
  });
  await page.close();
  return { ...m, interactive };
}
const browserLine = (t) =>
  `TTFB ${f(t.ttfb, 0)} ms, FCP ${f(t.fcp, 0)} ms, LCP ${f(t.lcp, 0)} ms, interactive ${f(t.interactive, 0)} ms, ${kb(t.bytes)} transferred`;
// A page that never becomes interactive (a bundle not matching the server) is reported, not
// fatal: the figures above still stand.
const loginRow = '`/login` in Chromium (4× CPU, 10 Mbit/s), sent without the app';
const dashboardRow = 'My Dashboard in Chromium (signed in, 4× CPU, 10 Mbit/s), the first page with the app';
try {
  const plain = await timings(`${base}/healthz`);
  const login = await timings(`${base}/login`);
  row(loginRow, browserLine(login), `/healthz: TTFB ${f(plain.ttfb, 0)} ms`);
  const dashboard = await timings(`${base}/`, { app: true, cookie: session });
  row(dashboardRow, browserLine(dashboard), `/healthz: TTFB ${f(plain.ttfb, 0)} ms`);
} catch (error) {
  row(`${loginRow}; ${dashboardRow}`, `n/a: ${error.message.split('\n')[0]}`, '');
}
await browser.close();
const panicked = [...demo.server.panicked, ...large.server.panicked];
row(
  'panics in the server during the run',
  [String(demo.server.panics + large.server.panics), ...panicked.map((p) => `\`${p}\``)].join('; '),
  'none expected',
);
await demo.stop();

const cpu = os.cpus();
const heading = `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${cpu.length} × ${cpu[0].model.trim()}, ${f(os.totalmem() / 2 ** 30, 0)} GiB, release build, SQLite, ${SECONDS} s per load`;
const table = [
  heading,
  '',
  '| figure | this run | reference, same run |',
  '|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
].join('\n');
console.log(table);
fs.appendFileSync(path.join(root, 'bench', 'RESULTS.md'), `\n${table}`);
fs.rmSync(scratch, { recursive: true, force: true });
process.exit(0);
