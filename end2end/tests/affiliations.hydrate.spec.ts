import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, logIn } from './helpers';

test('an office approves a submitter, whose request a second time is refused, and sends an NPI\'s 835 there', async ({ page, browser }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.getByRole('region', { name: 'Submitter Management' }).getByRole('link', { name: 'View All' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Affiliations' })).toBeVisible();
  await hydrated(page);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // "Deny" asks first; cancelling changes nothing.
  await page.getByRole('link', { name: 'Deny Valley Billing Services' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deny Affiliation Request' });
  await expect(dialog).toContainText('Are you sure you want to deny the affiliation request from Valley Billing Services?');
  await dialog.getByRole('link', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('link', { name: 'Approve Valley Billing Services' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Submitter and Provider Affiliation Agreement' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Submit Agreement' }).click();
  await expect(page.getByText('Choose your Role.')).toBeVisible();
  await page.getByRole('checkbox', { name: 'I confirm that I am eligible to sign this agreement on behalf of my organization' }).check();
  await page.getByRole('textbox', { name: 'First Name' }).fill('Grace');
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Holloway');
  await page.getByRole('combobox', { name: 'Role' }).selectOption('Office Manager');
  await page.getByRole('button', { name: 'Submit Agreement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The affiliation was approved.' })).toBeVisible();
  await page.getByRole('tab', { name: 'Affiliated' }).click();
  await expect(page.getByRole('table', { name: 'Affiliated' })).toContainText('Valley Billing Services');

  // The NPI's 835 now goes to the submitter.
  await page.goto('/npis');
  await page.getByRole('table', { name: 'Your NPIs' }).getByRole('link').first().click();
  const receivers = page.getByRole('region', { name: '835 Receivers' });
  await expect(receivers).toContainText('goes to the provider itself');
  await hydrated(page);
  await receivers.getByRole('combobox', { name: '835 Receiver' }).selectOption({ label: 'Valley Billing Services' });
  await receivers.getByRole('button', { name: 'Save' }).click();
  await expect(receivers).toContainText('The 835 remittance for this NPI goes to Valley Billing Services.');
  const npi = /\/npis\/(\d{10})/.exec(page.url())![1];

  // The submitter's side: the office is found by NPI and tax ID; a second request is refused.
  const valley = await browser.newPage();
  await logIn(valley, 'billing@valley.example');
  await valley.getByRole('region', { name: 'Provider Network' }).getByRole('link', { name: 'New Provider Affiliation Request' }).click();
  await valley.getByRole('textbox', { name: 'Provider NPI' }).fill(npi);
  await valley.getByRole('textbox', { name: 'Provider Tax ID' }).fill('94-1234567');
  await valley.getByRole('button', { name: 'Next' }).click();
  await expect(valley.getByText('Provider office: Sunrise Family Clinic')).toBeVisible();
  await hydrated(valley);
  await valley.getByRole('checkbox', { name: 'I confirm that I am eligible to sign this agreement on behalf of my organization' }).check();
  await valley.getByRole('textbox', { name: 'First Name' }).fill('Victor');
  await valley.getByRole('textbox', { name: 'Last Name' }).fill('Lang');
  await valley.getByRole('combobox', { name: 'Role' }).selectOption('Owner');
  await valley.getByRole('button', { name: 'Submit Agreement' }).click();
  await expect(valley.getByText('Your organization already has an affiliation or a request with Sunrise Family Clinic.')).toBeVisible();
  await valley.close();
});
