import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { logIn } from './helpers';

test('the correspondence search needs all three fields, then a ZIP holds exactly the chosen PDFs', async ({ page }, info) => {
  await logIn(page, 'admin@sunrise.example');
  const tile = page.getByRole('region', { name: 'Correspondence Center' });
  await tile.getByRole('link', { name: 'Search for Correspondence' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Correspondence Center' })).toBeVisible();

  // Only the NPI chosen: the other two are named, and the choice stays.
  const npi = page.getByRole('combobox', { name: 'NPI' });
  await npi.selectOption({ index: 1 });
  const chosen = await npi.inputValue();
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Choose a Correspondence Type.')).toBeVisible();
  await expect(page.getByText('Choose a Date Range, or enter a Start Date and End Date.')).toBeVisible();
  await expect(npi).toHaveValue(chosen);

  await page.getByRole('combobox', { name: 'Correspondence Type' }).selectOption('Remittance Advice');
  await page.getByRole('combobox', { name: 'Date Range' }).selectOption({ label: 'Last 90 Days' });
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('table', { name: 'Document Results' });
  await expect(results.getByRole('checkbox')).toHaveCount(2);

  const boxes = results.getByRole('checkbox');
  const ids = [await boxes.nth(0).getAttribute('value'), await boxes.nth(1).getAttribute('value')];
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByRole('button', { name: 'Download options' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'ZIP' }).click();
  const download = await downloading;
  const file = info.outputPath('documents.zip');
  await download.saveAs(file);
  const names = execFileSync('python3', [
    '-c',
    'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(sorted(z.namelist())))',
    file,
  ]).toString().trim().split('\n');
  expect(names).toHaveLength(2);
  for (const id of ids) {
    expect(names.some((n) => n.endsWith(`-${id}.pdf`))).toBe(true);
  }

  // The search is among the recent ones, and runs again from there.
  await page.getByRole('navigation', { name: 'Correspondence Center' }).getByRole('link', { name: 'Recent Searches' }).click();
  const recent = page.getByRole('table', { name: 'Your recent searches' });
  await recent.getByRole('link', { name: new RegExp(`Search again: ${chosen}, Remittance Advice, Last 90 Days`) }).click();
  await expect(page.getByRole('table', { name: 'Document Results' }).getByRole('checkbox')).toHaveCount(2);
});

test('tax documents appear once the Electronic 1099 Consent Agreement is accepted', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/tax-documents');
  await expect(page.getByRole('heading', { level: 1, name: 'Electronic 1099 Consent Agreement' })).toBeVisible();
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByText('Check "I agree to receive my 1099 electronically" to continue.')).toBeVisible();
  await page.getByRole('checkbox', { name: 'I agree to receive my 1099 electronically' }).check();
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tax Documents' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Tax Documents' }).getByRole('checkbox').first()).toBeVisible();
  await expect(page.getByRole('table', { name: 'Tax Documents' })).toContainText('Form 1099-MISC');

  // Withdrawn in My Profile: the agreement comes first again.
  await page.goto('/profile#tax-documents');
  await page.getByRole('button', { name: 'Withdraw Consent' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your consent was withdrawn' })).toBeVisible();
  await expect(page.getByText('Your 1099 comes by mail.')).toBeVisible();
  await page.goto('/tax-documents');
  await expect(page.getByRole('heading', { level: 1, name: 'Electronic 1099 Consent Agreement' })).toBeVisible();
});
