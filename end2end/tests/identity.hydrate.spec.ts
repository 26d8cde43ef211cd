import { test, expect } from '@playwright/test';
import { completePasscode, completeTraining, enterPassword, hydrated, logIn, mailbox, waitForMessage } from './helpers';

test('Oak Street registers from its token letter; the token then no longer works', async ({ page, request }) => {
  const letter = (await mailbox(request)).find((m) => m.channel === 'postal' && m.to.startsWith('Oak Street Medical Group'));
  const token = letter!.codes[0];

  await page.goto('/login');
  await page.getByRole('link', { name: 'Join Poppy Health Provider Portal' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Choose your organization type' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Enrolled provider organization' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Secure Token ID' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Secure Token ID' }).fill(token);
  await page.getByRole('button', { name: 'Submit' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Terms and Conditions for Poppy Health Provider Portal' })).toBeVisible();
  const next = page.getByRole('button', { name: 'Next' });
  await expect(next).toBeDisabled();
  await page.getByRole('checkbox', { name: 'I confirm that I have read and agree to the above' }).check();
  await expect(next).toBeDisabled();
  await page
    .getByRole('checkbox', { name: 'I confirm that I am authorized to create a Poppy Health Provider Portal account on behalf of my organization' })
    .check();
  await next.click();

  await expect(page.getByRole('heading', { level: 1, name: 'Account Information' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Email Address (username)' }).fill('olive@oakstreet.example');
  await page.getByRole('textbox', { name: 'First Name' }).fill('Olive');
  await page.getByRole('textbox', { name: 'Last Name' }).fill('Ortega');
  await page.getByRole('textbox', { name: 'Provider EIN/SSN' }).fill('94-1111111');
  await page.getByRole('textbox', { name: 'Provider Pay-To Zip Code' }).fill('95816');
  await page.getByRole('textbox', { name: 'Provider Contact Email Address' }).fill('office@oakstreet.example');
  await page.getByRole('textbox', { name: 'Preferred Contact Number' }).fill('916-555-7100');
  await page.getByRole('radio', { name: 'SMS' }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('This EIN/SSN does not match the organization the token was issued to.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'First Name' })).toHaveValue('Olive');
  await page.getByRole('textbox', { name: 'Provider EIN/SSN' }).fill('94-7654321');
  await page.getByRole('button', { name: 'Next' }).click();

  await completePasscode(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Poppy Health Online Conditions of Use Agreement' })).toBeVisible();
  await page
    .getByRole('checkbox', { name: 'I am authorized to attest and agree to all of the terms and conditions of this agreement on behalf of my organization' })
    .check();
  await page.getByRole('checkbox', { name: 'I have read and agree to these conditions of use on behalf of my organization' }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Registration Complete' })).toBeVisible();

  const email = await waitForMessage(request, (m) => m.to === 'olive@oakstreet.example');
  await page.goto(email.links[0]);
  await hydrated(page);
  await completePasscode(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Create New Poppy Health Password' })).toBeVisible();
  await page.getByLabel('New Password').fill('short');
  await expect(page.getByRole('listitem').filter({ hasText: 'Minimum of 15 characters (not met)' })).toBeVisible();
  await page.getByLabel('New Password').fill('Oak-Street-Admin-Pass-42');
  await expect(page.getByRole('listitem').filter({ hasText: 'Minimum of 15 characters (met)' })).toBeVisible();
  await page.getByLabel('Re-Enter Password').fill('Oak-Street-Admin-Pass-42');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('Your password has been successfully updated')).toBeVisible();
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter User Passkey' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Skip' }).click();
  // A new Org Admin takes the Local Office Administrator's training first.
  await completeTraining(page);
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await expect(page.getByText('Organization: Oak Street Medical Group')).toBeVisible();

  await hydrated(page);
  await page.getByRole('button', { name: 'Sign Out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible();
  await page.goto('/join');
  await hydrated(page);
  await page.getByRole('button', { name: 'Enrolled provider organization' }).click();
  await page.getByRole('textbox', { name: 'Secure Token ID' }).fill(token);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('This Secure Token ID has already been used.', { exact: false })).toBeVisible();
});

test('a user of two organizations signs in with a passcode and chooses one', async ({ page }) => {
  await logIn(page, 'multi@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'Select an organization' })).toBeVisible();
  await hydrated(page);
  // A provider office and a billing agent: one tab each.
  await expect(page.getByRole('tab', { name: 'Provider' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Provider' }).press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Submitter' })).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'Submitter' }).getByRole('button', { name: 'Valley Billing Services' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sunrise Family Clinic' })).toBeHidden();
  await page.getByRole('tab', { name: 'Provider' }).click();
  await page.getByRole('button', { name: 'Sunrise Family Clinic' }).click();
  await expect(page.getByText('Organization: Sunrise Family Clinic')).toBeVisible();
});

test('forgot password, then plan staff issue a token and the user adds that organization', async ({ browser, page, request }) => {
  // Plan staff mail a secure token to Children's Hospital of the Valley.
  const staff = await browser.newPage();
  await logIn(staff, 'ops@poppy.example');
  await expect(staff.getByRole('heading', { level: 1, name: 'Plan Operations' })).toBeVisible();
  await hydrated(staff);
  await expect(staff.getByRole('table', { name: 'Enrolled organizations' }).getByRole('row', { name: /Children's Hospital of the Valley/ })).toBeVisible();
  await staff.getByLabel('Organization', { exact: true }).selectOption({ label: "Children's Hospital of the Valley" });
  await staff.getByRole('button', { name: 'Issue Token' }).click();
  await expect(staff.getByRole('status').filter({ hasText: 'queued for printing' })).toBeVisible();
  const letter = await waitForMessage(request, (m) => m.channel === 'postal' && m.to.startsWith("Children's Hospital"));
  await staff.close();

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot Password?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reset Password' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Email Address' }).fill('network@coastal.example');
  await page.getByRole('button', { name: 'Reset Password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'we emailed it a link' })).toBeVisible();
  const email = await waitForMessage(request, (m) => m.to === 'network@coastal.example' && m.links.length > 0);
  await page.goto(email.links[0]);
  await hydrated(page);
  await completePasscode(page);
  await page.getByLabel('New Password').fill('Coastal-Network-Reset-77');
  await page.getByLabel('Re-Enter Password').fill('Coastal-Network-Reset-77');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('Your password has been successfully updated')).toBeVisible();
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter User Passkey' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Enter 4 digit User Passkey').fill('1357');
  await page.getByLabel('Retype 4 digit User Passkey').fill('1357');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();

  await hydrated(page);
  await page.getByRole('button', { name: 'Add or Switch Organization' }).click();
  await page.getByRole('menuitem', { name: 'Add a New Organization' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Add a New Organization' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Secure Token ID' }).fill(letter.codes[0]);
  await page.getByRole('textbox', { name: 'Provider EIN/SSN' }).fill('94-8901234');
  await page.getByRole('textbox', { name: 'Provider Pay-To Zip Code' }).fill('95817');
  await page.getByRole('textbox', { name: 'Provider Contact Email Address' }).fill('office@childrens.example');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText("Organization: Children's Hospital of the Valley")).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Add or Switch Organization' }).click();
  await expect(page.getByRole('menuitem', { name: 'Coastal Health Network' })).toBeVisible();
});

test('profile: names and preferences saved; the passkey reset right after sign-in', async ({ page }) => {
  await logIn(page, 'processor@sunrise.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1, name: 'My Profile and Preferences' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('processor@sunrise.example')).toBeVisible();
  const remittance = page.getByRole('row', { name: /Remittance advice/ });
  await remittance.getByRole('combobox', { name: 'Frequency' }).selectOption({ label: 'Weekly digest' });
  await remittance.getByRole('checkbox', { name: 'Email' }).check();
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your changes were saved.' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('row', { name: /Remittance advice/ }).getByRole('combobox', { name: 'Frequency' })).toHaveValue('weekly');

  // The passcode entered at sign-in a moment ago is fresh enough for a step-up.
  await page.getByRole('button', { name: 'Reset Passkey' }).click();
  const reset = page.getByRole('dialog', { name: 'Reset Passkey' });
  await reset.getByLabel('Enter 4 digit User Passkey').fill('8642');
  await reset.getByLabel('Retype 4 digit User Passkey').fill('8642');
  await reset.getByRole('button', { name: 'Save Passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your passkey was reset.' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: "Confirm it's you" })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Active Sessions' })).toBeVisible();
});

test('ten wrong passwords lock the account, with the same message every time', async ({ page }) => {
  for (let i = 0; i < 10; i++) {
    await enterPassword(page, 'billing@valley.example', `wrong-password-${i}`);
    await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  }
  await enterPassword(page, 'billing@valley.example');
  await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toHaveCount(0);
});
