import { test, expect } from '@playwright/test';
import { enterPassword, hydrated, logIn, typePasscode } from './helpers';

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

// A tab pressed while the page is still loading is a link to its panel: the panel it named is
// the one shown once the app has taken the page over. The app's code is held back until the tab
// was pressed, so the press always comes first.
test('a tab pressed before the app has loaded stays chosen', async ({ page }) => {
  await logIn(page, 'processor@sunrise.example');
  let release!: () => void;
  const pressed = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await pressed;
    await route.continue();
  });
  await page.goto('/claims');
  await page.getByRole('tab', { name: 'Claim #' }).click();
  await expect(page).toHaveURL(/#claims-lookup-panel-1$/);
  release();
  await hydrated(page);
  await expect(page.getByRole('tab', { name: 'Claim #' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('form', { name: 'Find a claim by number' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Find claims by date' })).toBeHidden();
  // With the app, a tab chooses its panel without following the link.
  await page.getByRole('tab', { name: 'Date' }).click();
  await expect(page.getByRole('form', { name: 'Find claims by date' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Find a claim by number' })).toBeHidden();
  await expect(page).toHaveURL(/#claims-lookup-panel-1$/);
});

// The sign-in page is the first of every visit: it comes as plain HTML forms, without the
// browser app, whose first download comes with the page after it.
test('the sign-in page comes without the app, and the app with the page after it', async ({ page }) => {
  const app: string[] = [];
  page.on('request', (request) => {
    if (/\.(wasm|js)(\?|$)/.test(request.url())) app.push(request.url());
  });
  await enterPassword(page, 'processor@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText(/The six digits after \d{4}-/)).toBeVisible();
  expect(app).toEqual([]);
  await typePasscode(page);
  await page.waitForURL((url) => url.pathname !== '/login');
  await hydrated(page);
  expect(app.some((url) => url.endsWith('.wasm'))).toBe(true);
});
