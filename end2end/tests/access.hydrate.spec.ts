import { test, expect, Page } from '@playwright/test';
import { hydrated, logIn, requestAccess as walkRequest, waitForMessage } from './helpers';

/** "Register as a New User" from the Log In page to "Thank You", for Harbor Pediatrics. */
async function requestAccess(page: Page, first: string, last: string, email: string) {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Register as a New User' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Request Access' })).toBeVisible();
  await hydrated(page);
  await walkRequest(page, first, last, email, true);
}

test('new users ask for access; the office admin accepts one and declines the other with a reason', async ({ browser, page, request }) => {
  await requestAccess(page, 'Rita', 'Reyes', 'rita@example.org');
  const other = await browser.newPage();
  await requestAccess(other, 'Omar', 'Ortiz', 'omar@example.org');
  await other.close();

  await logIn(page, 'multi@sunrise.example');
  await hydrated(page);
  await page.getByRole('button', { name: 'Harbor Pediatrics' }).click();
  await expect(page.getByText('Organization: Harbor Pediatrics')).toBeVisible();
  await page.goto('/admin/tasks');
  await expect(page.getByRole('heading', { level: 1, name: 'Task List' })).toBeVisible();
  await hydrated(page);

  await page.getByRole('link', { name: 'Rita Reyes requests access' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Request from Rita Reyes' })).toBeVisible();
  await page.getByRole('button', { name: 'Accept' }).click();
  // "Accept" loads the page anew (a plain GET form); the role's presets come with the app.
  await page.waitForURL(/decide=accept/);
  await hydrated(page);
  await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'PCP' });
  await expect(page.getByRole('checkbox', { name: 'Referrals — submit' })).toBeChecked();
  await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Nurse' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The request was accepted.' })).toBeVisible();
  const welcome = await waitForMessage(request, (m) => m.to === 'rita@example.org' && m.links.some((l) => l.includes('/password/set')));
  expect(welcome.subject).toContain('Set your new password');

  await page.getByRole('link', { name: 'Omar Ortiz requests access' }).click();
  await page.getByRole('button', { name: 'Decline' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter the reason for declining the request.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Reason' }).fill('Not on our staff list');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The request was declined.' })).toBeVisible();
  await expect(page.getByText('No requests are waiting.')).toBeVisible();
  const declined = await waitForMessage(request, (m) => m.to === 'omar@example.org' && m.body.includes('declined'));
  expect(declined.body).toContain('Not on our staff list');
});
