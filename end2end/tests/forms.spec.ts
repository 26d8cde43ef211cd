import { expect, Page, test } from '@playwright/test';
import { aDirectMember, DEMO_PASSWORD, hydrated, requestAccess, typePasscode, waitForMessage } from './helpers';

// Runs twice: with the browser app, and with JavaScript off (project "no-script"), as on a
// slow office PC before the app has loaded. Nothing here waits for the app: every form must
// post on its own and the server must answer with the next page.

/** Email → "Next" → password → "Log In" → passcode by SMS. */
async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Email Address' }).fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log In' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit' }).click();
  await typePasscode(page);
  await page.waitForURL((url) => url.pathname !== '/login');
}

test('sign-in: email, password, passcode, organization, My Dashboard', async ({ page }) => {
  await page.goto('/login');
  // A mistyped address is refused at the field.
  await page.getByRole('textbox', { name: 'Email Address' }).fill('multi@sunrise');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();

  await page.getByRole('textbox', { name: 'Email Address' }).fill('multi@sunrise.example');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('textbox', { name: 'Email Address' })).toHaveValue('multi@sunrise.example');
  // A wrong password: the same message for every failure, and still on the password step.
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log In' }).click();
  await expect(page.getByText('The email address or password is incorrect.')).toBeVisible();
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log In' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toBeVisible();
  await page.getByRole('radio', { name: 'Voice' }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  // "Resend one-time passcode" asks again how to send it.
  await expect(page.getByRole('textbox', { name: 'One-time passcode' })).toBeVisible();
  await page.getByRole('button', { name: 'Resend one-time passcode' }).click();
  await expect(page.getByRole('radio', { name: 'SMS' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit' }).click();
  await typePasscode(page);

  await expect(page.getByRole('heading', { level: 1, name: 'Select an organization' })).toBeVisible();
  await page.getByRole('button', { name: 'Sunrise Family Clinic' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByText('Organization: Sunrise Family Clinic')).toBeVisible();
});

test('Reset Password: the request, then the emailed link up to the new password', async ({ page }, info) => {
  // One account per project, so the two runs never void each other's link; neither is one
  // whose state another spec changes (the lockout and the password reset there).
  const email = info.project.name === 'no-script' ? 'processor@sunrise.example' : 'ops@poppy.example';
  await page.goto('/password/forgot');
  await page.getByRole('textbox', { name: 'Email Address' }).fill('not an address');
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Email Address' }).fill(email);
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await expect(page.getByText('If an account uses that address, we emailed it a link')).toBeVisible();

  const message = await waitForMessage(page.request, (m) => m.to === email && m.links.some((l) => l.includes('/password/set')));
  await page.goto(message.links.find((l) => l.includes('/password/set'))!);
  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit' }).click();
  await typePasscode(page);
  await expect(page.getByRole('heading', { level: 1, name: /Create New .* Password/ })).toBeVisible();
  // A password that breaks the rules is refused at the field; the link stays usable.
  await page.getByLabel('New Password').fill('short');
  await page.getByLabel('Re-Enter Password').fill('short');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.locator('.field-error').first()).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: /Create New .* Password/ })).toBeVisible();
});

test('search forms: User Management and the Collection Manager', async ({ page }) => {
  await signIn(page, 'admin@sunrise.example');
  await page.goto('/admin/users');
  const users = page.getByRole('table', { name: 'Users of your organization' });
  const all = await users.getByRole('row').count();
  await page.getByRole('searchbox', { name: 'Search users' }).fill('processor');
  await page.getByRole('searchbox', { name: 'Search users' }).press('Enter');
  await expect(users.getByRole('row')).toHaveCount(2);
  expect(all).toBeGreaterThan(2);

  await page.goto('/admin/collections');
  await page.getByRole('searchbox', { name: 'Search users' }).fill('processor');
  await page.getByRole('button', { name: 'Find Users' }).click();
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row')).toHaveCount(2);
  await page.getByRole('searchbox', { name: 'Search providers' }).fill('no such provider');
  await page.getByRole('button', { name: 'Find Providers' }).click();
  await expect(page.getByText('No providers match.')).toBeVisible();
});

test('search forms: the help desk finds a caller by email address', async ({ page }) => {
  await signIn(page, 'ops@poppy.example');
  await page.goto('/operator');
  await page.getByRole('textbox', { name: "Caller's Email Address" }).fill('nobody@sunrise.example');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByText('No account uses this email address.')).toBeVisible();
  await page.getByRole('textbox', { name: "Caller's Email Address" }).fill('processor@sunrise.example');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByText('Peter Alvarez')).toBeVisible();
  await expect(page).toHaveURL(/caller=processor%40sunrise\.example/);
});

test('Register as a New User, with the provider search, to "Thank You"', async ({ page }, info) => {
  await page.goto('/register');
  await requestAccess(page, 'Rosa', 'Rivera', `rosa.${info.project.name}@example.org`);
});

test('search forms: My Collections finds a provider to ask for', async ({ page }) => {
  await signIn(page, 'admin@sunrise.example');
  await page.goto('/profile');
  await page.getByRole('button', { name: 'Add New Provider' }).click();
  await page.getByRole('tab', { name: 'Group/Facility Search' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Group/Facility Search' });
  await panel.getByRole('textbox', { name: 'Tax Identification Number' }).fill('94-2345678');
  await panel.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('radio', { name: /^Harbor Pediatrics, NPI \d{10}$/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send Request' })).toBeVisible();
});

test('the Task List, the permission wizard and Verify Users', async ({ page, browser }, info) => {
  // The longest walk here: a request, its acceptance, three wizard steps and Verify Users.
  test.setTimeout(180_000);
  // A request of this run's own, so the two runs never meet.
  const first = info.project.name === 'no-script' ? 'Tess' : 'Theo';
  const email = `${first.toLowerCase()}.tasks@example.org`;
  const requester = await browser.newPage();
  await requester.goto('/register');
  await requestAccess(requester, first, 'Tasker', email);
  await requester.close();

  // Harbor Pediatrics' admin accepts it from the Task List.
  await signIn(page, 'multi@sunrise.example');
  await page.getByRole('button', { name: 'Harbor Pediatrics' }).click();
  await expect(page.getByText('Organization: Harbor Pediatrics')).toBeVisible();
  await page.goto('/admin/tasks');
  await page.getByRole('link', { name: `${first} Tasker requests access` }).click();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'Eligibility Viewer' });
  await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Nurse' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The request was accepted.' })).toBeVisible();

  // Their permissions, through the wizard from the user's page.
  await page.goto(`/admin/users?q=${first}`);
  await page.getByRole('link', { name: `${first} Tasker` }).click();
  await page.getByRole('region', { name: 'NPI Permissions' }).getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Step 1: Assign NPI Permissions' })).toBeVisible();
  const npis = page.getByRole('table', { name: 'NPI permissions' });
  await npis.getByRole('combobox').first().selectOption({ label: 'Admin' });
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Step 2: Assign Correspondence Permissions' })).toBeVisible();
  const held = page.getByRole('table', { name: 'Correspondence permissions' });
  await held.getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Manage Selected' }).click();
  const dialog = page.getByRole('dialog', { name: 'Manage Correspondence Permissions' });
  await dialog.getByRole('checkbox', { name: 'Tax Documents' }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(held.getByRole('row').nth(1)).toContainText('Tax Documents');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Step 3: Assign Permissions Across Organization' })).toBeVisible();
  // A role chosen alone brings its settings, whether or not the boxes followed on screen.
  await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'Claims Viewer' });
  await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Other' });
  await page.getByRole('button', { name: 'Save and Finish' }).click();
  await expect(page.getByText('Enter the position.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Other Position' }).fill('Biller');
  await page.getByRole('textbox', { name: 'Reason' }).fill('Handles billing now');
  await page.getByRole('button', { name: 'Save and Finish' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Permissions Saved' })).toBeVisible();
  await expect(page.getByText('Claims Viewer')).toBeVisible();

  // Verify Users: verify them, then remove them with a date and a reason.
  await page.goto('/admin/verify');
  const users = page.getByRole('table', { name: 'Users to verify' });
  const row = users.getByRole('row').filter({ hasText: email });
  await row.getByRole('button', { name: 'Verify' }).click();
  await expect(row).toContainText('Verified');
  await row.getByRole('button', { name: 'Remove' }).click();
  const removal = page.getByRole('dialog', { name: 'Remove User' });
  await removal.getByRole('button', { name: 'Remove' }).click();
  await expect(removal.getByText('Enter the reason the user is being removed.')).toBeVisible();
  await removal.getByLabel('Separation Date').fill('2026-11-20');
  await removal.getByRole('textbox', { name: 'Reason' }).fill('Left the office');
  await removal.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The user was removed from your organization.' })).toBeVisible();
  await expect(users.getByRole('row').filter({ hasText: email })).toHaveCount(0);
});

test('Add a User, then their page: deactivate, reactivate, resend the registration email', async ({ page }, info) => {
  const email = `lane.${info.project.name}@sunrise.example`;
  await signIn(page, 'admin@sunrise.example');
  await page.goto('/admin/users/new');
  await page.getByRole('textbox', { name: 'Email Address' }).fill(email);
  await page.getByRole('textbox', { name: 'First Name' }).fill('Lane');
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Added');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('555');
  await page.getByRole('button', { name: 'Next' }).click();
  // Refused at the field, with what was typed kept.
  await expect(page.getByText('Enter a 10-digit US phone number')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Email Address' })).toHaveValue(email);
  await expect(page.getByRole('textbox', { name: 'Last Name' })).toHaveValue('Added');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('(916) 555-3300');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Lane Added was added' })).toBeVisible();
  await page.getByRole('button', { name: 'Skip For Now' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Lane Added' })).toBeVisible();

  await page.getByRole('button', { name: 'Resend Registration Email' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The registration email was sent again.' })).toBeVisible();
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Deactivate User' }).click();
  await page.getByRole('dialog', { name: 'Deactivate User' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('Deactivated User')).toBeVisible();
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Reactivate User' }).click();
  await page.getByRole('dialog', { name: 'Reactivate User' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The user was reactivated.' })).toBeVisible();
  await expect(page.getByText('Deactivated User')).toHaveCount(0);
});

test('My Profile: names and preferences, the passkey, other sessions', async ({ page }, info) => {
  // Demo accounts no other spec uses: this one changes their passkey.
  const email = info.project.name === 'no-script' ? 'reception@harbor.example' : 'scheduler@harbor.example';
  await signIn(page, email);
  await page.goto('/profile');
  await page.getByRole('textbox', { name: 'Last Name' }).fill('');
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await expect(page.getByText('Enter your last name.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Kim-Ortega');
  const remittance = page.getByRole('row', { name: /Remittance advice/ });
  await remittance.getByRole('combobox', { name: 'Frequency' }).selectOption({ label: 'Weekly digest' });
  await remittance.getByRole('checkbox', { name: 'Email' }).check();
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your changes were saved.' })).toBeVisible();
  await page.goto('/profile');
  await expect(page.getByRole('textbox', { name: 'Last Name' })).toHaveValue('Kim-Ortega');
  await expect(page.getByRole('row', { name: /Remittance advice/ }).getByRole('combobox', { name: 'Frequency' })).toHaveValue('weekly');
  await expect(page.getByRole('row', { name: /Remittance advice/ }).getByRole('checkbox', { name: 'Email' })).toBeChecked();

  // Just signed in: the passcode is fresh enough for a new passkey.
  await page.getByRole('button', { name: 'Reset Passkey' }).click();
  const reset = page.getByRole('dialog', { name: 'Reset Passkey' });
  await reset.getByLabel('Enter 4 digit User Passkey').fill('8642');
  await reset.getByLabel('Retype 4 digit User Passkey').fill('8641');
  await reset.getByRole('button', { name: 'Save Passkey' }).click();
  await expect(page.getByText('The two passkeys do not match.')).toBeVisible();
  await reset.getByLabel('Enter 4 digit User Passkey').fill('8642');
  await reset.getByLabel('Retype 4 digit User Passkey').fill('8642');
  await reset.getByRole('button', { name: 'Save Passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your passkey was reset.' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out other sessions' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your other sessions were signed out.' })).toBeVisible();
});

test('My Dashboard: the NPI table pages through the address', async ({ page }) => {
  await signIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  const npis = page.getByRole('region', { name: 'NPI Agreements and Settings' });
  const table = npis.getByRole('table', { name: 'Your NPIs' });
  await expect(table.getByRole('row')).toHaveCount(6);
  await expect(npis.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  await npis.getByRole('button', { name: 'Next page' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(npis.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await page.reload();
  await expect(table.getByRole('row')).toHaveCount(2);
  await npis.getByRole('button', { name: 'Previous page' }).click();
  await expect(table.getByRole('row')).toHaveCount(6);
});

test('Notifications: search, the date filter with a wrong range, mark as read', async ({ page }, info) => {
  // A demo account no other spec reads notifications with: read marks are per user.
  const email = info.project.name === 'no-script' ? 'admin@sunrise.example' : 'processor@sunrise.example';
  await signIn(page, email);
  await page.getByRole('region', { name: 'Notifications' }).getByRole('link', { name: 'View All' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit Notification Preferences' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Your notifications' });
  await page.getByRole('searchbox', { name: 'Search notifications' }).fill('remittance');
  await page.getByRole('searchbox', { name: 'Search notifications' }).press('Enter');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByText('New remittance advice available', { exact: true })).toBeVisible();

  const filter = page.getByRole('button', { name: 'Filter By Date' });
  await expect(filter).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByLabel('Start Date')).toBeHidden();
  const app = info.project.name !== 'no-script';
  if (app) await hydrated(page);
  await filter.click();
  await expect(filter).toHaveAttribute('aria-expanded', 'true');
  if (app) {
    // With the app the dates show and hide in place; without it the page comes back with them.
    await expect(page).not.toHaveURL(/filter=date/);
    await filter.click();
    await expect(filter).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByLabel('Start Date')).toBeHidden();
    await filter.click();
  }
  await page.getByLabel('Start Date').fill('2026-03-11');
  await page.getByLabel('End Date').fill('2026-03-10');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('The End Date must be on or after the Start Date.')).toBeVisible();
  await expect(page.getByLabel('Start Date')).toHaveValue('2026-03-11');
  await page.getByLabel('Start Date').fill('');
  await page.getByLabel('End Date').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);

  await table.getByRole('button', { name: 'Mark as read: New remittance advice available' }).click();
  await expect(table.getByRole('button', { name: 'Mark as unread: New remittance advice available' })).toBeVisible();
  await expect(table.getByRole('cell', { name: 'Read', exact: true })).toBeVisible();
});

test('the correspondence search works as a plain form: a missing field is named, then the results', async ({ page }, info) => {
  // One demo account per project: recent searches are per user.
  const email = info.project.name === 'no-script' ? 'processor@sunrise.example' : 'admin@sunrise.example';
  await signIn(page, email);
  await page.goto('/correspondence');
  await expect(page.getByRole('heading', { level: 1, name: 'Correspondence Center' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Correspondence Type' }).selectOption('Remittance Advice');
  await page.getByRole('combobox', { name: 'Date Range' }).selectOption({ label: 'Last 90 Days' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Choose an NPI.')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Correspondence Type' })).toHaveValue('Remittance Advice');

  await page.getByRole('combobox', { name: 'NPI' }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('table', { name: 'Document Results' });
  await expect(results.getByRole('checkbox')).toHaveCount(2);

  // One checked, "PDF": the document itself.
  await results.getByRole('checkbox').first().check();
  if (info.project.name !== 'no-script') {
    await page.getByRole('button', { name: 'Download options' }).click();
  }
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'PDF' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^Remittance-Advice-.*\.pdf$/);
});

test('a refused banner keeps its message, and the Additional Resources pages read signed out', async ({ page }) => {
  await signIn(page, 'ops@poppy.example');
  await page.goto('/operator');
  const banners = page.getByRole('region', { name: 'Banners' });
  await banners.getByRole('textbox', { name: 'Message' }).fill('Maintenance on Saturday night');
  await banners.getByRole('button', { name: 'Publish Banner' }).click();
  await expect(banners.getByText('Enter the Start Date.')).toBeVisible();
  await expect(banners.getByText('Enter the End Date.')).toBeVisible();
  await expect(banners.getByRole('textbox', { name: 'Message' })).toHaveValue('Maintenance on Saturday night');
  await expect(banners.getByRole('table', { name: 'Banners' })).not.toContainText('Maintenance on Saturday night');

  await page.context().clearCookies();
  await page.goto('/resources/faq');
  await expect(page.getByRole('heading', { level: 1, name: 'Frequently Asked Questions' })).toBeVisible();
  await expect(page.getByText('Where is my 1099?')).toBeVisible();
  await page.goto('/resources/news');
  await expect(page.getByRole('link', { name: 'the flu bulletin' })).toHaveAttribute('href', /^https:\/\//);
});

test('Transactions Center: the NPI choice and an inquiry post without the app', async ({ page }) => {
  await signIn(page, 'processor@sunrise.example');
  await page.goto('/transactions');
  await page.getByRole('button', { name: 'Go to Transaction Services' }).click();
  await expect(page.getByText('Choose an NPI.')).toBeVisible();
  await page.getByRole('combobox', { name: 'NPI' }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Go to Transaction Services' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /^Transaction Services: / })).toBeVisible();
  const eligibility = page.getByRole('form', { name: 'Eligibility Inquiry' });
  await eligibility.getByRole('textbox', { name: 'Member ID' }).fill('90000001B');
  await eligibility.getByRole('button', { name: 'Check Eligibility' }).click();
  await expect(page.getByText("Enter the member's Date of Birth.")).toBeVisible();
  await expect(page.getByRole('form', { name: 'Eligibility Inquiry' }).getByRole('textbox', { name: 'Member ID' })).toHaveValue('90000001B');
});

test('Upload a PDF: a web page named .pdf is refused by its content, and the typed fields come back', async ({ page }) => {
  await signIn(page, 'ops@poppy.example');
  await page.goto('/operator');
  const upload = page.getByRole('form', { name: 'Upload a PDF' });
  await upload.getByRole('textbox', { name: 'NPI' }).fill('1234567893');
  await upload.getByRole('combobox', { name: 'Correspondence Type' }).selectOption('Provider Bulletins');
  await upload.getByRole('textbox', { name: 'Title' }).fill('Not really a PDF');
  await upload.getByLabel('PDF File').setInputFiles({ name: 'bulletin.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<!doctype html><html><body>hello</body></html>') });
  await upload.getByRole('button', { name: 'Upload and Publish' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'bulletin.pdf is not a PDF file' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Upload a PDF' }).getByRole('textbox', { name: 'Title' })).toHaveValue('Not really a PDF');
});

test('Transaction Testing: a file that is not X12 is refused, without the app too', async ({ page }) => {
  await signIn(page, 'processor@sunrise.example');
  await page.goto('/transaction-testing');
  const form = page.getByRole('form', { name: 'Submit a Test' });
  await form.getByRole('combobox', { name: 'Transaction Type' }).selectOption('270');
  await form.getByLabel('Test File').setInputFiles({ name: 'inquiry.txt', mimeType: 'text/plain', buffer: Buffer.from('Dear plan, is Jane eligible?') });
  await form.getByRole('button', { name: 'Submit Test' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'inquiry.txt is not an X12 file' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Submit a Test' }).getByRole('combobox', { name: 'Transaction Type' })).toHaveValue('270');
});

test('Member Lookup and Claims Lookup post as plain forms, and the claim page shows every tab', async ({ page }) => {
  // A processor with Eligibility and Claims (each account may ask for 30 passcodes an hour).
  await signIn(page, 'processor@sunrise.example');
  await page.goto('/members');
  const byId = page.getByRole('form', { name: 'Find a member by ID' });
  await byId.getByRole('textbox', { name: 'Member ID' }).fill('not-an-id');
  await byId.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Enter a CIN (8 digits and a letter), a MEDS ID (9 digits) or an MBI (11 letters and digits).')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Find a member by ID' }).getByRole('textbox', { name: 'Member ID' })).toHaveValue('not-an-id');
  // Without the app every tab's panel shows; with it, the tab chooses the panel.
  await page.getByRole('tab', { name: 'Name' }).click();
  const byName = page.getByRole('form', { name: 'Find a member by name' });
  await byName.getByRole('textbox', { name: 'Last Name' }).fill('Garcia');
  await byName.getByRole('textbox', { name: 'First Name' }).fill('Maria');
  await byName.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Enter the Date of Birth or the City with the name.')).toBeVisible();

  await page.goto('/claims');
  const year = new Date().getFullYear();
  const byDate = page.getByRole('form', { name: 'Find claims by date' });
  await byDate.getByLabel('From').fill(`${year - 1}-01-01`);
  await byDate.getByLabel('To').fill(`${year}-12-31`);
  await byDate.getByRole('button', { name: 'Find Claims' }).click();
  const results = page.getByRole('table', { name: 'Claims found, newest first' });
  const first = results.getByRole('row').nth(1).getByRole('link').first();
  const number = (await first.textContent())!;
  // The next page comes by a plain form too.
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(results.getByRole('link', { name: number })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Claim #' }).click();
  const byNumber = page.getByRole('form', { name: 'Find a claim by number' });
  await byNumber.getByRole('textbox', { name: 'Claim Number' }).fill(number);
  await byNumber.getByRole('button', { name: 'Find Claims' }).click();
  await results.getByRole('link', { name: number }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Claim #: ${number}` })).toBeVisible();
  for (const [tab, caption] of [['Services', 'Services'], ['Diagnosis', 'Diagnoses (ICD-10-CM)'], ['EOB', 'Explanation of benefits, by line']]) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.getByRole('table', { name: caption })).toBeVisible();
  }
  await page.getByRole('tab', { name: 'Providers' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Payment Provider' })).toBeVisible();
});

test('Submit a Referral: all six steps post and submit', async ({ page }) => {
  await signIn(page, 'processor@sunrise.example');
  const cin = await aDirectMember(page);
  await page.goto('/referrals/new');
  await expect(page.getByRole('heading', { level: 2, name: 'About the Referral' })).toBeVisible();
  await page.getByRole('radio', { name: 'Medical' }).check();
  await page.getByRole('textbox', { name: 'Member ID' }).fill(cin);
  // Before the app runs, both tabs' forms show: the Member ID tab's "Search" is the first.
  await page.getByRole('button', { name: 'Search' }).first().click();
  await expect(page.getByRole('radio', { name: new RegExp(`CIN ${cin}`) })).toBeChecked();
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Referring Provider Info' })).toBeVisible();
  // Next without a choice: refused at the step, which stays.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Choose the referring provider of your office.')).toBeVisible();
  await page.getByRole('radio', { name: /^Maria Lopez, MD/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Referred To Provider Info' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Provider Name, ID or Specialty' }).fill('cardiology');
  await page.getByRole('button', { name: 'Search for Provider' }).click();
  await page.getByRole('radio', { name: /^Capitol Cardiology Associates/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Medical Info' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Place of Service' }).selectOption({ label: '11 Office' });
  await page.getByRole('combobox', { name: 'Select a Service' }).selectOption('99243');
  await page.getByRole('textbox', { name: 'Units' }).fill('1');
  await page.getByRole('button', { name: '+ Add Service' }).click();
  await expect(page.getByRole('table', { name: 'Services requested' })).toContainText('99243');
  // The step comes back ready for the next entry, with or without the app.
  await expect(page.getByRole('combobox', { name: 'Select a Service' })).toHaveValue('');
  await expect(page.getByRole('textbox', { name: 'Units' })).toHaveValue('');
  // A service with a question: posted without an answer, the step comes back asking it.
  await page.getByRole('combobox', { name: 'Select a Service' }).selectOption('72148');
  await page.getByRole('textbox', { name: 'Units' }).fill('1');
  await page.getByRole('button', { name: '+ Add Service' }).click();
  await expect(page.getByText("Answer the service's question.")).toBeVisible();
  const question = page.getByRole('group', { name: 'Has the member completed at least six weeks of conservative therapy?' });
  await question.getByRole('radio', { name: 'Yes' }).check();
  await page.getByRole('button', { name: '+ Add Service' }).click();
  await expect(page.getByRole('table', { name: 'Services requested' })).toContainText('72148');
  await page.getByRole('textbox', { name: 'Find an ICD Code' }).fill('E11.9');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('combobox', { name: 'ICD Code' }).selectOption('E11.9');
  await page.getByRole('button', { name: '+ Add ICD Code' }).click();
  await expect(page.getByRole('table', { name: 'ICD codes' })).toContainText('E11.9');
  await expect(page.getByRole('textbox', { name: 'Find an ICD Code' })).toHaveValue('');
  await page.getByRole('textbox', { name: 'Clinical Indications' }).fill('Diabetes follow-up with a specialist.');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Clinical Attachments' })).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Review' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit Referral' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Referral RF\d+$/ })).toBeVisible();
  await expect(page.getByText(/was submitted\. Status: Pending\./)).toBeVisible();
});
