import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// A page loaded by its address (a bookmark, a refresh, a link followed before the app has
// loaded) is rendered by the server, then taken over by the browser app. Both must render the
// same page: where they differ, the app stops there and the page stays as the server sent it.
test('pages loaded by their address are taken over by the app without an error', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/npis');
  const npi = await page.getByRole('table', { name: 'Your NPIs' }).getByRole('link').first().getAttribute('href');
  const pages = ['/', '/npis', npi!, '/profile', '/notifications', '/correspondence', '/paperless', '/affiliations',
    '/admin/users', '/admin/users/new', '/admin/tasks', '/members', '/claims', '/claims/disputes', '/referrals',
    '/referrals/new', '/transactions', '/training'];
  for (const path of pages) {
    await page.goto(path);
    await hydrated(page);
    expect(errors, path).toEqual([]);
  }
});
