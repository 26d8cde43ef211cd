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

// The browser runs only the islands: the parts of a page that follow what the user does.
// Pages are rendered by the server, and their forms post as plain forms.

test("the WebAssembly holds the islands, not the pages", () => {
  const pkg = path.resolve(__dirname, '..', '..', 'target', 'site', 'pkg');
  const name = fs.readdirSync(pkg).find((f) => f.startsWith('portal') && f.endsWith('.wasm'));
  expect(name).toBeDefined();
  const wasm = fs.readFileSync(path.join(pkg, name!));
  // An island's text is there ("Hold to View"), a page's is not (the sign-in page's link).
  expect(wasm.includes(Buffer.from('Hold to View'))).toBe(true);
  expect(wasm.includes(Buffer.from('Forgot Password?'))).toBe(false);
});

test('results follow the search as it is typed; the focus stays and the address names the search', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/npis');
  await hydrated(page);
  const table = page.getByRole('table', { name: 'Your NPIs' });
  await expect(table.getByRole('row')).toHaveCount(7);
  const label = (await table.getByRole('link').first().textContent())!;
  const npi = /NPI (\d{10})/.exec(label)![1];
  const search = page.getByRole('searchbox', { name: 'Search by provider name or NPI' });
  await search.pressSequentially(npi);
  await expect(table.getByRole('link')).toHaveCount(1);
  await expect(table.getByRole('link')).toHaveText(label);
  await expect(search).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${npi}$`));
  // The address holds: loaded again, the page shows the same results.
  await page.reload();
  await expect(table.getByRole('link')).toHaveCount(1);
  await expect(search).toHaveValue(npi);
  // Nothing found is said so.
  await search.fill('no such provider');
  await expect(table).toContainText('No NPI you hold matches your search.');
});

test('a dialog the server sends open takes the focus, and Escape closes it', async ({ page }) => {
  await logIn(page, 'ops@poppy.example');
  await page.goto('/profile?dialog=passkey');
  const dialog = page.getByRole('dialog', { name: 'Reset Passkey' });
  await expect(dialog).toBeFocused();
  await hydrated(page);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/profile$/);
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

test('a menu opened while the app is still loading stays open when it takes over', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/admin/users');
  await page.getByRole('table', { name: 'Users of your organization' }).getByRole('link').first().click();
  await expect(page.getByRole('button', { name: 'More actions' })).toBeVisible();
  await openBeforeTheApp(page, page.url());
  const button = page.getByRole('button', { name: 'More actions' });
  await button.click();
  await expect(button).toBeFocused();
  await hydrated(page);
  await expect(page.getByRole('menuitem')).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  // The app runs the button from here: it closes the menu.
  await button.click();
  await expect(page.getByRole('menuitem')).toBeHidden();
});
