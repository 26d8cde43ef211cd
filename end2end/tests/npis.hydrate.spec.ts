import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

test('an NPI Admin holds to view the PIN, and resets it once a day', async ({ page }) => {
  // The passcode at sign-in counts as a step-up for five minutes.
  await logIn(page, 'admin@sunrise.example');
  await page.getByRole('region', { name: 'NPI Agreements and Settings' }).getByRole('link', { name: 'View All' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'NPI Agreements and Settings' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Your NPIs' });
  await expect(table.getByRole('row')).toHaveCount(7);
  const last = table.getByRole('link').last();
  const label = (await last.textContent())!;
  const name = label.replace(/ \(NPI \d+\)$/, '');
  await page.getByRole('searchbox', { name: 'Search by provider name or NPI' }).fill(name);
  await expect(table.getByRole('link')).toHaveCount(1);
  await table.getByRole('link', { name: label }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await hydrated(page);
  const pin = page.getByRole('region', { name: 'PIN' });
  await expect(page.getByRole('region', { name: 'Transactions Available' }).getByText('270/271')).toBeVisible();

  // Shown while held (pointer), hidden on release.
  const hold = pin.getByRole('button', { name: 'Hold to View' });
  const secret = pin.locator('strong.secret');
  await hold.hover();
  await page.mouse.down();
  await expect(secret).toHaveText(/^\d{6}$/);
  await page.mouse.up();
  await expect(secret).toHaveText('••••');
  // By keyboard too; and hidden after 10 seconds even while still held.
  await hold.focus();
  await page.keyboard.down(' ');
  await expect(secret).toHaveText(/^\d{6}$/);
  await expect(secret).toHaveText('••••', { timeout: 12_000 });
  await page.keyboard.up(' ');

  await pin.getByRole('button', { name: 'Reset PIN' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The PIN was reset' })).toBeVisible();
  await expect(pin.getByText(/Last reset on \d\d\/\d\d\/\d{4}/)).toBeVisible();
  await pin.getByRole('button', { name: 'Reset PIN' }).click();
  await expect(pin.getByRole('alert').filter({ hasText: 'PINs can be reset once a day: try again on' })).toBeVisible();
});

test('an NPI Admin reads and signs the Presumptive Eligibility Provider Agreement', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/npis');
  const table = page.getByRole('table', { name: 'Your NPIs' });
  // The first NPI: the PIN walk uses the last one.
  await table.getByRole('link').first().click();
  await hydrated(page);
  const section = page.getByRole('region', { name: 'Presumptive Eligibility Provider Agreements' });
  await expect(section.getByRole('link', { name: 'Presumptive Eligibility Provider Agreement' })).toBeVisible();
  await section.getByRole('textbox', { name: 'First and Last Name' }).fill('Grace Holloway');
  await section.getByRole('button', { name: 'Sign Agreement' }).click();
  await expect(section.getByText('Enter your title.')).toBeVisible();
  await expect(section.getByRole('textbox', { name: 'First and Last Name' })).toHaveValue('Grace Holloway');
  await section.getByRole('textbox', { name: 'Title' }).fill('Office Manager');
  await section.getByRole('button', { name: 'Sign Agreement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The agreement is signed.' })).toBeVisible();
  await expect(section.getByText(/Signed electronically by Grace Holloway, Office Manager, on \d\d\/\d\d\/\d{4}/)).toBeVisible();
  await expect(section.getByRole('button', { name: 'Sign Agreement' })).toHaveCount(0);
});
