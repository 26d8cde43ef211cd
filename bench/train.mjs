// The work the release server's profile is recorded from (profile-guided optimization, see
// `./setup.sh`): an instrumented server on a fresh demo database answers what offices ask
// every day, and writes the profile when it exits. What is left out is compiled as if rarely
// run, so every page and document people wait for is asked here.
//
//   node bench/train.mjs <instrumented server binary> <site root>
//
// With PORTAL_START_PROFILE (a profile file name), the server's start and first idle second
// are first recorded apart, for the layout of the binary (bench/layout.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { claimsOfTheYear, signIn, sleep, startServer } from './portal.mjs';

const [serverBin, siteRoot] = process.argv.slice(2);
const SECONDS = Number(process.env.TRAIN_SECONDS ?? 30);
const LOOPS = 4;

if (process.env.PORTAL_START_PROFILE) {
  // As the benchmark measures idle memory: started on a fresh demo database, a second idle.
  const start = await startServer(serverBin, siteRoot, 2000, { LLVM_PROFILE_FILE: process.env.PORTAL_START_PROFILE });
  await sleep(1000);
  await start.stop();
}

const demo = await startServer(serverBin, siteRoot, 2000);
const { base, env } = demo;
const cookie = await signIn(base);
const css = fs.readdirSync(path.join(siteRoot, 'pkg')).find((f) => f.endsWith('.css'));
const byDate = claimsOfTheYear();
const claimsPage = await (await fetch(base + byDate, { headers: { cookie } })).text();
const claim = /href="\/claims\/(\d+)"/.exec(claimsPage)?.[1];

// My Dashboard, the page every sign-in lands on, is asked three times as often as the rest.
const signedIn = [
  '/', '/', '/', '/notifications', '/correspondence', '/correspondence?view=new', '/tax-documents',
  '/npis', '/profile', '/paperless', '/admin/users', '/admin/users/new', '/training', '/transactions',
  '/transaction-testing', '/members', '/claims', byDate, '/claims/disputes', '/referrals',
  '/referrals/new', '/metrics/prior-authorization', '/affiliations',
  ...(claim ? [`/claims/${claim}`, `/claims?by=number&number=${claim}`] : []),
];
const anonymous = ['/login', '/healthz', `/pkg/${css}`, '/terms', '/register', '/password/forgot'];
const words = ['chest pain', 'diab', 'type 2 diabetes mellitus', 'fracture of', 'J45', 'major depressive'];
/** One request, its answer read to the end: the path and status when the server failed. */
const request = (pathname, { form, signedIn = true } = {}) => async () => {
  const headers = signedIn ? { cookie } : {};
  const init = form
    ? {
        method: 'POST',
        headers: { ...headers, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }
    : { headers };
  const response = await fetch(base + pathname, { ...init, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status >= 500 ? `${pathname}: ${response.status}` : null;
};
const asks = [
  ...signedIn.map((page) => request(page)),
  ...anonymous.map((page) => request(page, { signedIn: false })),
  request('/api/dashboard', { form: {} }),
  ...words.map((text) => request('/api/referrals/icd', { form: { words: text } })),
  () => request('/api/log-in', {
    form: { email: `user${Math.floor(Math.random() * 1e5)}@train.example`, password: 'not-the-password' },
    signedIn: false,
  })(),
];

// Each loop asks one request after another, in turn, until the time is up; a failure of the
// server is a failed recording, not a profile of error pages.
const failures = [];
const until = Date.now() + SECONDS * 1000;
let asked = 0;
await Promise.all(
  Array.from({ length: LOOPS }, async (_, loop) => {
    for (let i = loop; Date.now() < until; i++) {
      const failed = await asks[i % asks.length]();
      if (failed) failures.push(failed);
      asked++;
    }
  }),
);
// Documents: the remittance advice and the welcome letter, typeset by the same binary.
execFileSync(serverBin, ['bench-documents'], { env, stdio: 'ignore' });
await demo.stop();
if (failures.length > 0) {
  console.error(`the server failed ${failures.length} requests, first ${failures[0]}`);
  process.exit(1);
}
console.log(`recorded ${asked} requests over ${SECONDS} s`);
