import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { logIn } from './helpers';

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
