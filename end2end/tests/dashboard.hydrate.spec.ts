import { test, expect } from '@playwright/test';
import { enterPassword, hydrated, logIn } from './helpers';

test('an org admin signs in and sees the dashboard tiles from the demo data', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByText('Organization: Sunrise Family Clinic')).toBeVisible();
  const notifications = page.getByRole('region', { name: 'Notifications' });
  await expect(notifications.getByText('New remittance advice available')).toBeVisible();
  await expect(notifications.getByRole('link', { name: 'View All' })).toBeVisible();
  await expect(notifications.getByRole('link', { name: '+ more' })).toBeVisible();
  const npis = page.getByRole('region', { name: 'NPI Agreements and Settings' });
  await expect(npis.getByRole('table', { name: 'Your NPIs' }).getByRole('row')).toHaveCount(6);
  await npis.getByRole('button', { name: 'Next page' }).click();
  await expect(npis.getByRole('table', { name: 'Your NPIs' }).getByRole('row')).toHaveCount(2);
  await npis.getByRole('button', { name: 'Previous page' }).click();
  await expect(npis.getByRole('table', { name: 'Your NPIs' }).getByRole('row')).toHaveCount(6);
  await expect(page.getByRole('region', { name: 'Administration' }).getByRole('link', { name: 'Manage Users' })).toBeVisible();
  for (const link of ['Terms Of Use', 'Website Privacy Policy', 'Provider Portal Policy', 'Medical Director Contact Information', 'Poppy Health Guidelines']) {
    await expect(page.getByRole('contentinfo').getByRole('link', { name: link })).toBeVisible();
  }
});

test('a processor sees only the tiles their permissions allow', async ({ page }) => {
  await logIn(page, 'processor@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Claims' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Correspondence Center' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Administration' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'NPI Agreements and Settings' })).toHaveCount(0);
});

test('the organization menu and the banner work after hydration', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await hydrated(page);
  const menuButton = page.getByRole('button', { name: 'Add or Switch Organization' });
  await menuButton.click();
  await expect(page.getByRole('menuitem', { name: 'Add a New Organization' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Sunrise Family Clinic' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('menuitem', { name: 'Add a New Organization' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Sunrise Family Clinic' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('menuitem', { name: 'Add a New Organization' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menuitem', { name: 'Add a New Organization' })).toBeHidden();
  await expect(menuButton).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Sunrise Family Clinic' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('menuitem', { name: 'Add a New Organization' })).toBeHidden();

  const banner = page.getByRole('region', { name: 'Announcement' });
  await expect(banner).toContainText('Scheduled maintenance');
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Announcement' })).toHaveCount(0);
});

test('a user of two organizations chooses one, then switches', async ({ page }) => {
  await logIn(page, 'multi@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'Select an organization' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Harbor Pediatrics' }).click();
  await expect(page.getByText('Organization: Harbor Pediatrics')).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Add or Switch Organization' }).click();
  await page.getByRole('menuitem', { name: 'Sunrise Family Clinic' }).click();
  await expect(page.getByText('Organization: Sunrise Family Clinic')).toBeVisible();
});

test('a wrong password gets one generic message and signing out ends the session', async ({ page }) => {
  await enterPassword(page, 'admin@sunrise.example', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  await expect(page.getByRole('textbox', { name: 'Email Address' })).toHaveValue('admin@sunrise.example');

  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign Out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible();
});

test('an unknown address shows the not-found page with status 404', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page Not Found' })).toBeVisible();
});

test('a submitter sees its submitter ID and Provider Network; an office sees Submitter Management and the testing tiles', async ({ page }) => {
  await logIn(page, 'billing@valley.example');
  await expect(page.getByRole('region', { name: 'My Profile and Preferences' })).toContainText('Submitter ID: SUB00417');
  await expect(page.getByRole('region', { name: 'Provider Network' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Submitter Management' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Transaction Testing' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign Out' }).click();
  // Signing out ends in the sign-in page; only then is the next sign-in started.
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible();
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('region', { name: 'Submitter Management' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Provider Network' })).toHaveCount(0);
  for (const tile of ['Transactions Center', 'Transaction Testing', 'Additional Resources']) {
    await expect(page.getByRole('region', { name: tile })).toBeVisible();
  }
});
