import { test, expect, Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { hydrated, logIn, toFindYourProvider } from './helpers';

/** Opens `path` over a slow link: the browser app arrives a while after the page. */
async function openBeforeTheApp(page: Page, path: string) {
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(path);
  await expect(page.locator('body[data-hydrated]')).toHaveCount(0);
}

// Pages other than My Dashboard come in their own WebAssembly chunks.

test("a page's texts come in its chunks, not in the first download", () => {
  // The files the server sends from /pkg, as built. The splitter can give up on dividing the
  // constant data and put all of it in the main module (see `SPLIT_ROOM` in frontend/src/lib.rs).
  const pkg = path.resolve(__dirname, '..', '..', 'target', 'site', 'pkg');
  const files = fs.readdirSync(pkg);
  const wasm = (stem: string) => {
    const name = files.find((f) => f.startsWith(`${stem}.`) && f.endsWith('.wasm'));
    expect(name, `${stem}'s WebAssembly`).toBeDefined();
    return fs.readFileSync(path.join(pkg, name!));
  };
  const manifest: Record<string, string[]> = JSON.parse(
    fs.readFileSync(path.join(pkg, files.find((f) => f.startsWith('__wasm_split_manifest'))!), 'utf8'),
  );
  const signIn = Object.entries(manifest).find(([split]) => split.startsWith('__sign_in_'))?.[1];
  expect(signIn?.length).toBeGreaterThan(0);
  const text = Buffer.from('Forgot Password?');
  expect(wasm('portal').includes(text)).toBe(false);
  expect(signIn!.some((chunk) => wasm(chunk.replace(/\.wasm$/, '')).includes(text))).toBe(true);
});

test('the app renders the sign-in page from its chunk when it moves there in place', async ({ page }) => {
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (/\/pkg\/(split_|chunk_)[^/]*\.wasm$/.test(r.url())) chunks.push(r.url());
  });
  await page.goto('/password/forgot');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Email Address' }).fill('nobody@nowhere.example');
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await page.getByRole('link', { name: 'Back to Log In' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible();
  // Still the same document, run by the app: a full load of /login comes without it.
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
  await expect.poll(() => chunks.some((c) => c.includes('split___sign_in'))).toBeTruthy();
  await page.getByRole('textbox', { name: 'Email Address' }).fill('processor@sunrise.example');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
});

test('a lazy page loads its chunks only when visited, and works after a client-side visit', async ({ page }) => {
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (/\/pkg\/(split_|chunk_)[^/]*\.wasm$/.test(r.url())) chunks.push(r.url());
  });
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await hydrated(page);
  expect(chunks.filter((c) => c.includes('split___user_management'))).toHaveLength(0);
  await page.getByRole('region', { name: 'Administration' }).getByRole('link', { name: 'Manage Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'User Management' })).toBeVisible();
  await expect.poll(() => chunks.some((c) => c.includes('split___user_management'))).toBeTruthy();
  await page.getByRole('link', { name: 'Add a User' }).click();
  await expect(page.getByRole('textbox', { name: 'Email Address' })).toBeVisible();
});

test('what is typed while the app is still loading is kept when it takes over', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await openBeforeTheApp(page, '/admin/users/new');
  await page.getByRole('textbox', { name: 'Email Address' }).fill('early.typist@sunrise.example');
  await page.getByRole('textbox', { name: 'First Name' }).fill('Early');
  await hydrated(page);
  await expect(page.getByRole('textbox', { name: 'Email Address' })).toHaveValue('early.typist@sunrise.example');
  await expect(page.getByRole('textbox', { name: 'First Name' })).toHaveValue('Early');
  // The app has the values too: it refuses the phone number at its field and keeps the rest.
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Typist');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('555');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Enter a 10-digit US phone number')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Email Address' })).toHaveValue('early.typist@sunrise.example');
  await expect(page.getByRole('textbox', { name: 'First Name' })).toHaveValue('Early');
});

test('a box ticked or cleared while the app is still loading stays so when it takes over', async ({ page }) => {
  // Not the busiest demo account: each sign-in sends a passcode, and those are limited per hour.
  await logIn(page, 'ops@poppy.example');
  await openBeforeTheApp(page, '/profile');
  const email = page.getByRole('row', { name: /Remittance advice/ }).getByRole('checkbox', { name: 'Email' });
  // Whatever the box shows, it is turned over.
  const before = await email.isChecked();
  await email.setChecked(!before);
  await hydrated(page);
  await expect(email).toBeChecked({ checked: !before });
  // The app follows the box from here.
  await email.setChecked(before);
  await expect(email).toBeChecked({ checked: before });
});

test('a provider chosen while the app is still loading stays chosen when it takes over', async ({ page }) => {
  await page.goto('/register');
  await toFindYourProvider(page, 'Lena', 'Loader', 'lena.loader@example.org');
  // The search's results loaded by their address, the app arriving a while after them.
  await openBeforeTheApp(page, '/register?group=1&name=&tax_id=94-2345678');
  const harbor = page.getByRole('radio', { name: /^Harbor Pediatrics, NPI \d{10}$/ });
  await harbor.check();
  await hydrated(page);
  await expect(harbor).toBeChecked();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Review Your Request' })).toBeVisible();
});
