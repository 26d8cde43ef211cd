import { test, expect } from '@playwright/test';
import { completePasscode, hydrated, logIn, onePagePdf } from './helpers';

// Runs against its own server: suspending Sunrise Family Clinic must not disturb other tests.
test('a suspended office: its admin can only verify users, its staff are told, and the plan reinstates it', async ({ page, browser }) => {
  // Three people sign in, each in a page of their own that loads the app: over a minute on a
  // quiet machine.
  test.setTimeout(180_000);
  const ops = await browser.newPage();
  await logIn(ops, 'ops@poppy.example');
  await expect(ops.getByRole('heading', { level: 1, name: 'Plan Operations' })).toBeVisible();
  await hydrated(ops);
  const sunrise = ops.getByRole('table', { name: 'Registered offices' }).getByRole('row').filter({ hasText: 'Sunrise Family Clinic' });
  // The demo verified it ten days before it was loaded: 50 days left, or 49 once the plan's
  // calendar has passed midnight since the load.
  await expect(sunrise).toContainText(/Verification due in (50|49) days/);
  // Revoking changes other people's access: past this server's 4-second step-up window, the
  // operator confirms with a fresh passcode, and the revocation then goes through.
  await ops.waitForTimeout(5_000);
  await sunrise.getByRole('button', { name: 'Revoke Access' }).click();
  await expect(ops.getByText("For your security, confirm it's you with a one-time passcode")).toBeVisible();
  await completePasscode(ops);
  await expect(ops.getByRole('heading', { level: 1, name: 'Plan Operations' })).toBeVisible();
  await sunrise.getByRole('button', { name: 'Revoke Access' }).click();
  await expect(sunrise).toContainText('Access revoked by the plan');

  const staff = await browser.newPage();
  await logIn(staff, 'processor@sunrise.example');
  await expect(staff.getByRole('heading', { level: 1, name: 'Access Suspended' })).toBeVisible();
  await staff.close();

  // The admin is taken to "Verify Users", and only there.
  await logIn(page, 'admin@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'Verify Users' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText("Your office's access is suspended");
  await hydrated(page);
  const users = page.getByRole('table', { name: 'Users to verify' });
  await expect(users.getByRole('row')).toHaveCount(4);
  await expect(page.getByRole('button', { name: 'Confirm' })).toBeDisabled();

  // A change of role asks for the reason.
  await users.getByRole('row').filter({ hasText: 'processor@sunrise.example' }).getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Step 3: Assign Permissions Across Organization' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Referral Coordinator' });
  await page.getByRole('button', { name: 'Save and Finish' }).click();
  await expect(page.getByText('Enter the reason for this change.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Reason' }).fill('Now coordinates referrals');
  await page.getByRole('button', { name: 'Save and Finish' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The permissions were saved.' })).toBeVisible();

  // Someone who left is removed with a separation date and a reason.
  await page.goto('/admin/verify');
  await hydrated(page);
  await users.getByRole('row').filter({ hasText: 'multi@sunrise.example' }).getByRole('button', { name: 'Remove' }).click();
  const removal = page.getByRole('dialog', { name: 'Remove User' });
  await removal.getByRole('button', { name: 'Remove' }).click();
  await expect(removal.getByText('Enter the reason the user is being removed.')).toBeVisible();
  await removal.getByLabel('Separation Date').fill('2026-11-20');
  await removal.getByRole('textbox', { name: 'Reason' }).fill('Moved to Harbor Pediatrics only');
  await removal.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The user was removed from your organization.' })).toBeVisible();
  await expect(users.getByRole('row')).toHaveCount(3);

  // Verify each remaining user, then confirm.
  for (const email of ['admin@sunrise.example', 'processor@sunrise.example']) {
    const row = users.getByRole('row').filter({ hasText: email });
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect(row).toContainText('Verified');
  }
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Access returns for everyone when the plan reinstates your office.' })).toBeVisible();

  await ops.reload();
  await hydrated(ops);
  await sunrise.getByRole('button', { name: 'Reinstate' }).click();
  await expect(sunrise).toContainText('Verification due in 60 days');
  await ops.close();

  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { level: 1, name: 'User Management' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Verify Users/ })).toContainText('60 days left');
});

test('plan staff publish a remittance advice to an NPI, and its reader finds it as new correspondence', async ({ page, browser }) => {
  await logIn(page, 'reception@harbor.example');
  await page.goto('/npis');
  const link = page.getByRole('table', { name: 'Your NPIs' }).getByRole('link').first();
  const npi = /NPI (\d{10})/.exec((await link.textContent())!)![1];

  const ops = await browser.newPage();
  await logIn(ops, 'ops@poppy.example');
  const section = ops.getByRole('region', { name: 'Publish Correspondence' });
  await section.getByRole('textbox', { name: 'NPI' }).fill(npi);
  await section.getByRole('button', { name: 'Publish' }).click();
  await expect(section.getByText('Choose a document.')).toBeVisible();
  await section.getByRole('combobox', { name: 'Document' }).selectOption('remittance');
  await section.getByRole('button', { name: 'Publish' }).click();
  const done = section.getByRole('status');
  await expect(done).toContainText('Published: Remittance Advice');
  const title = /Published: (Remittance Advice \d\d\/\d\d\/\d{4})/.exec((await done.textContent())!)![1];

  await page.goto('/correspondence?view=new');
  await expect(page.getByRole('table', { name: 'New Correspondence' }).getByRole('link', { name: title })).toBeVisible();
  await page.goto('/notifications');
  await expect(page.getByText(`New correspondence: ${title}`).first()).toBeVisible();
});

test('plan staff publish and expire a banner and edit System Alerts; every user sees them', async ({ page, browser }) => {
  const ops = await browser.newPage();
  await logIn(ops, 'ops@poppy.example');
  await hydrated(ops);
  const banners = ops.getByRole('region', { name: 'Banners' });
  await banners.getByRole('textbox', { name: 'Message' }).fill('Claims submitted after 5 PM today post tomorrow.');
  await banners.getByRole('button', { name: 'Publish Banner' }).click();
  await expect(banners.getByText('Enter the Start Date.')).toBeVisible();
  await expect(banners.getByRole('textbox', { name: 'Message' })).toHaveValue('Claims submitted after 5 PM today post tomorrow.');
  const today = await ops.evaluate(() => {
    const d = new Date(new Date().toLocaleString('en-US', { timeZone: 'America/Los_Angeles' }));
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await banners.getByLabel('Start Date').fill(today);
  await banners.getByLabel('End Date').fill(today);
  await banners.getByRole('button', { name: 'Publish Banner' }).click();
  await expect(banners.getByRole('status')).toContainText('The banner is showing until the end of');
  const row = banners.getByRole('table', { name: 'Banners' }).getByRole('row').filter({ hasText: 'after 5 PM' });
  await expect(row).toContainText('Showing');

  await logIn(page, 'reception@harbor.example');
  await expect(page.getByRole('region', { name: 'Announcement' })).toContainText('Claims submitted after 5 PM today post tomorrow.');

  await row.getByRole('button', { name: 'Expire banner: Claims submitted after 5 PM today post tomorrow.' }).click();
  await expect(banners.getByRole('status')).toContainText('The banner was expired.');
  await expect(row).toContainText('Expired');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByText('Claims submitted after 5 PM today post tomorrow.')).toHaveCount(0);

  // System Alerts: a script address is refused at the field; text with a link is published.
  const resources = ops.getByRole('region', { name: 'Additional Resources' });
  const alerts = resources.getByRole('textbox', { name: 'System Alerts' });
  await alerts.fill('Eligibility checks are slow. [Details](javascript:alert(1))');
  await resources.getByRole('button', { name: 'Save System Alerts' }).click();
  await expect(resources.getByText('cannot be used')).toBeVisible();
  await alerts.fill('Eligibility checks are slow this morning.\n\n- [Status page](https://status.example/portal)\n- Call Provider Relations');
  await resources.getByRole('button', { name: 'Save System Alerts' }).click();
  await expect(resources.getByRole('status')).toContainText('System Alerts was saved.');
  await ops.close();

  await page.getByRole('region', { name: 'Additional Resources' }).getByRole('link', { name: 'System Alerts' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'System Alerts' })).toBeVisible();
  await expect(page.getByText('Eligibility checks are slow this morning.')).toBeVisible();
  await expect(page.getByRole('listitem').getByRole('link', { name: 'Status page' })).toHaveAttribute('href', 'https://status.example/portal');
});

test('plan staff upload a PDF claim notice to an NPI, and its reader finds it', async ({ page, browser }) => {
  await logIn(page, 'reception@harbor.example');
  await page.goto('/npis');
  const link = page.getByRole('table', { name: 'Your NPIs' }).getByRole('link').first();
  const npi = /NPI (\d{10})/.exec((await link.textContent())!)![1];

  const ops = await browser.newPage();
  await logIn(ops, 'ops@poppy.example');
  await hydrated(ops);
  const upload = ops.getByRole('form', { name: 'Upload a PDF' });
  await upload.getByRole('textbox', { name: 'NPI' }).fill(npi);
  await upload.getByRole('combobox', { name: 'Correspondence Type' }).selectOption('Claim Notices');
  await upload.getByRole('textbox', { name: 'Title' }).fill('Corrected payment notice');
  await upload.getByLabel('PDF File').setInputFiles({ name: 'notice.pdf', mimeType: 'application/pdf', buffer: onePagePdf() });
  await upload.getByRole('button', { name: 'Upload and Publish' }).click();
  await expect(ops.getByRole('status').filter({ hasText: 'Published: Corrected payment notice for' })).toBeVisible();
  await ops.close();

  await page.goto('/correspondence?view=new');
  await expect(page.getByRole('table', { name: 'New Correspondence' }).getByRole('link', { name: /^Corrected payment notice/ })).toBeVisible();
});
