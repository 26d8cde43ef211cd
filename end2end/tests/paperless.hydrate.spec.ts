import { test, expect } from '@playwright/test';
import { logIn } from './helpers';

test('an Org Admin enrolls the office in paperless correspondence from the dashboard', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.getByRole('link', { name: 'Go Paperless' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Go Paperless' })).toBeVisible();
  await page.getByRole('button', { name: 'Enroll Now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'successfully enrolled' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enroll Now' })).toHaveCount(0);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go Paperless' })).toHaveCount(0);
});
