import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, logIn } from './helpers';

test('the sign-in page passes axe-core', async ({ page }) => {
  await page.goto('/login');
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
});

test('the dashboard passes axe-core', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Your NPIs' })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
});

test('the access request form passes axe-core', async ({ page }) => {
  await page.goto('/register');
  await expect(page.getByRole('heading', { level: 1, name: 'Request Access' })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations).toEqual([]);
});

test('NPI Agreements and Settings and an NPI page pass axe-core', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/npis');
  const table = page.getByRole('table', { name: 'Your NPIs' });
  await expect(table.getByRole('link').first()).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await table.getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'PIN' })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('the Correspondence Center, its results and the welcome letters pass axe-core', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/correspondence');
  const npi = page.getByRole('combobox', { name: 'NPI' });
  await expect(npi).toBeVisible();
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Choose an NPI.')).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await npi.selectOption({ index: 1 });
  await page.getByRole('combobox', { name: 'Correspondence Type' }).selectOption('Remittance Advice');
  await page.getByRole('combobox', { name: 'Date Range' }).selectOption({ label: 'Last 12 Months' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('table', { name: 'Document Results' }).getByRole('checkbox').first()).toBeVisible();
  // The menu opens once the app runs.
  await hydrated(page);
  await page.getByRole('button', { name: 'Download options' }).click();
  await expect(page.getByRole('menuitem', { name: 'ZIP' })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.goto('/correspondence/welcome?type=practitioner');
  await expect(page.getByRole('heading', { level: 2, name: 'Welcome letters: Individual Practitioner' })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('the Claims Paid chart has a name and its figures as a table, and the resource pages pass axe-core', async ({ page }) => {
  await logIn(page, 'processor@sunrise.example');
  const claims = page.getByRole('region', { name: 'Claims' });
  await expect(claims.getByRole('img', { name: /^Claims paid by month, last 12 months/ })).toBeVisible();
  await hydrated(page);
  await claims.getByText('Show the figures as a table').click();
  await expect(claims.getByRole('table', { name: 'Claims paid by month' }).getByRole('row')).toHaveCount(13);
  // The title is set as the page settles: axe reads the page once it is there.
  await expect(page).toHaveTitle(/\S/);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  for (const [path, heading] of [['/resources/news', 'News and Bulletin'], ['/resources/faq', 'Frequently Asked Questions'], ['/resources/alerts', 'System Alerts']]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page).toHaveTitle(/\S/);
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  }
});

test('the plan console passes axe-core', async ({ page }) => {
  await logIn(page, 'ops@poppy.example');
  await expect(page.getByRole('heading', { level: 2, name: 'Banners' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'System Alerts' })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
