import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { completePasscode, completeTraining, hydrated, logIn, waitForMessage } from './helpers';

test('an admin adds a user through all three steps, and the user registers from the emailed link', async ({ page, browser, request }) => {
  await logIn(page, 'admin@sunrise.example');
  await hydrated(page);
  await page.getByRole('link', { name: 'Manage Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'User Management' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: 'Add a User' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Add a User' })).toBeVisible();
  await hydrated(page);

  // Bad input: a message at the field, and what was typed stays.
  await page.getByRole('textbox', { name: 'Email Address' }).fill('nina@sunrise.example');
  await page.getByRole('textbox', { name: 'First Name' }).fill('Nina');
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Nguyen');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('555');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Enter a 10-digit US phone number.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'First Name' })).toHaveValue('Nina');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('(916) 555-3100');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Nina Nguyen was added' })).toBeVisible();
  await page.getByRole('button', { name: 'Assign Now' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Step 1: Assign NPI Permissions' })).toBeVisible();
  await hydrated(page);
  const npis = page.getByRole('table', { name: 'NPI permissions' });
  await page.getByRole('combobox', { name: 'Quick Assign to All NPIs' }).selectOption({ label: 'Processor' });
  await expect(npis.getByRole('combobox').nth(3)).toHaveValue('processor');
  await npis.getByRole('combobox').first().selectOption({ label: 'Admin' });
  await npis.getByRole('combobox').last().selectOption({ label: 'None' });
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Step 2: Assign Correspondence Permissions' })).toBeVisible();
  const held = page.getByRole('table', { name: 'Correspondence permissions' });
  await expect(held.getByRole('row')).toHaveCount(6); // a header and the five NPIs held
  await held.getByRole('checkbox').nth(0).check();
  await held.getByRole('checkbox').nth(1).check();
  await page.getByRole('button', { name: 'Manage Selected' }).click();
  const dialog = page.getByRole('dialog', { name: 'Manage Correspondence Permissions' });
  await dialog.getByRole('checkbox', { name: 'Tax Documents' }).check();
  await dialog.getByRole('checkbox', { name: 'Remittance Advice' }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(held.getByRole('row').nth(1)).toContainText('Remittance Advice, Tax Documents');
  await expect(held.getByRole('row').nth(2)).toContainText('Remittance Advice, Tax Documents');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Step 3: Assign Permissions Across Organization' })).toBeVisible();

  // Leaving and coming back resumes the draft where it was.
  const wizardUrl = page.url();
  await page.goto('/admin/users');
  await page.goto(wizardUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Step 3: Assign Permissions Across Organization' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('table', { name: 'Correspondence permissions' }).getByRole('row').nth(1)).toContainText('Tax Documents');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByRole('combobox', { name: 'Organization Permission' }).selectOption({ label: 'Processor' });
  await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'Claims Viewer' });
  await expect(page.getByRole('checkbox', { name: 'Claims' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Roster' })).not.toBeChecked();
  // A box ticked by hand that the role does not grant makes the role Custom Setup; the role
  // chosen again sets its boxes.
  await page.getByRole('checkbox', { name: 'Roster' }).check();
  await expect(page.getByRole('combobox', { name: 'User Role' })).toHaveValue('CustomSetup');
  await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'Claims Viewer' });
  await expect(page.getByRole('checkbox', { name: 'Roster' })).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Disputes' })).toBeChecked();
  // "Other Position" shows only for the position Other.
  await expect(page.getByRole('textbox', { name: 'Other Position' })).toBeHidden();
  await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Other' });
  await expect(page.getByRole('textbox', { name: 'Other Position' })).toBeVisible();
  await page.getByRole('button', { name: 'Save and Finish' }).click();
  await expect(page.getByText('Enter the position.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Other Position' }).fill('Biller');
  await page.getByRole('button', { name: 'Save and Finish' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The permissions were saved.' })).toBeVisible();
  const saved = page.getByRole('region', { name: 'Permissions Across Organization' });
  await expect(saved).toContainText('Claims Viewer');
  await expect(saved).toContainText('Other: Biller');
  await expect(saved.getByRole('link', { name: 'Edit' })).toBeVisible();

  // The new user's side: from the emailed link to the dashboard.
  const invitation = await waitForMessage(request, (m) => m.to === 'nina@sunrise.example' && m.links[0]?.includes('/invitation'));
  const nina = await browser.newPage();
  await nina.goto(invitation.links[0]);
  await expect(nina.getByRole('heading', { level: 1, name: 'System Use Notification' })).toBeVisible();
  await hydrated(nina);
  await expect(nina.getByRole('button', { name: 'Next' })).toBeDisabled();
  await nina.getByRole('checkbox', { name: 'I confirm that I have read and agree to the above' }).check();
  await nina.getByRole('button', { name: 'Next' }).click();
  await expect(nina.getByRole('heading', { level: 1, name: 'Account Information' })).toBeVisible();
  await expect(nina.getByRole('textbox', { name: 'First Name' })).toHaveValue('Nina');
  await nina.getByRole('textbox', { name: 'Preferred Contact Number' }).fill('(916) 555-3101');
  await nina.getByRole('radio', { name: 'SMS' }).check();
  await nina.getByRole('button', { name: 'Next' }).click();
  await completePasscode(nina);
  await expect(nina.getByRole('heading', { level: 1, name: 'Registration Complete' })).toBeVisible();
  const setPassword = await waitForMessage(request, (m) => m.to === 'nina@sunrise.example' && m.links[0]?.includes('/password/set'));
  await nina.goto(setPassword.links[0]);
  await hydrated(nina);
  await completePasscode(nina);
  await expect(nina.getByRole('heading', { level: 1, name: 'Create New Poppy Health Password' })).toBeVisible();
  await nina.getByLabel('New Password').fill('Nina-Nguyen-Portal-Pass-7');
  await nina.getByLabel('Re-Enter Password').fill('Nina-Nguyen-Portal-Pass-7');
  await nina.getByRole('button', { name: 'Submit' }).click();
  await expect(nina.getByText('Your password has been successfully updated')).toBeVisible();
  await nina.getByRole('link', { name: 'Continue' }).click();
  await expect(nina.getByRole('heading', { level: 1, name: 'Enter User Passkey' })).toBeVisible();
  await hydrated(nina);
  await nina.getByRole('button', { name: 'Skip' }).click();
  await completeTraining(nina);
  await expect(nina.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(nina.getByText('Organization: Sunrise Family Clinic')).toBeVisible();
  await expect(nina.getByRole('region', { name: 'Claims' })).toBeVisible();
  await expect(nina.getByRole('region', { name: 'Administration' })).toHaveCount(0);
  await nina.close();
});

test('deactivate and reactivate a user; a domain is removed only once its users are inactive', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/admin/users/new');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Email Address' }).fill('lee@locum-staff.example');
  await page.getByRole('textbox', { name: 'First Name' }).fill('Lee');
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Locum');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('(916) 555-3200');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Skip For Now' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'User Management and Permissions' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Lee Locum' })).toBeVisible();
  const userUrl = page.url().split('?')[0];

  await page.goto('/admin/domains');
  await expect(page.getByRole('heading', { level: 1, name: 'Domain Management' })).toBeVisible();
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: 'locum-staff.example' });
  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('alert')).toContainText('cannot be removed while these users are active: Lee Locum');
  await expect(row).toBeVisible();

  await page.goto('/admin/users');
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search users' }).fill('locum');
  await expect(page.getByRole('table', { name: 'Users of your organization' }).getByRole('row')).toHaveCount(2);
  await page.getByRole('link', { name: 'Lee Locum' }).click();
  await expect(page).toHaveURL(userUrl);
  await hydrated(page);
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Deactivate User' }).click();
  await page.getByRole('dialog', { name: 'Deactivate User' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('Deactivated User')).toBeVisible();

  await page.goto('/admin/domains');
  await hydrated(page);
  await page.getByRole('row').filter({ hasText: 'locum-staff.example' }).getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The domain was removed.' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'locum-staff.example' })).toHaveCount(0);

  await page.goto(userUrl);
  await hydrated(page);
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Reactivate User' }).click();
  await page.getByRole('dialog', { name: 'Reactivate User' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('Deactivated User')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Changes to this user' })).toContainText('User reactivated');
});

test('the administration pages pass axe-core', async ({ page }) => {
  // Ten pages, each taken over by the app and checked by axe: a minute on a quiet machine.
  test.setTimeout(180_000);
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  for (const path of ['/admin/users', '/admin/users/new', '/admin/domains', '/admin/verify', '/admin/tasks', '/admin/collections', '/training', '/profile']) {
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, path).toEqual([]);
  }
  await page.goto('/admin/users');
  await hydrated(page);
  await page.getByRole('link', { name: 'Grace Holloway' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'User Management and Permissions' })).toBeVisible();
  await hydrated(page);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.getByRole('region', { name: 'NPI Permissions' }).getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Step 1: Assign NPI Permissions' })).toBeVisible();
  await hydrated(page);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
