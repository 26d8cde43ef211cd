import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// This server ends sessions after 10 idle seconds and warns halfway.
test('an idle session warns first, can be kept, and then ends', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await hydrated(page);
  const dialog = page.getByRole('dialog', { name: 'Your session is about to end' });
  await expect(dialog).toBeVisible({ timeout: 9_000 });
  await dialog.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(dialog).toBeHidden();
  await expect(dialog).toBeVisible({ timeout: 9_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible({ timeout: 12_000 });
  await expect(page.getByRole('status').filter({ hasText: 'no activity' })).toBeVisible();
});
