import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'Poppy-Demo-Password-2026!';

/** Resolves once the browser app has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
}

/** Signs in with email, "Next", password, "Log In". */
export async function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Email Address' }).fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log In' }).click();
}
