import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import { aDirectMember, hydrated, logIn, onePagePdf } from './helpers';

async function axe(page: Page) {
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
}

async function onStep(page: Page, name: string) {
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  await hydrated(page);
}

test('Submit a Referral: the tertiary warning, an ICD search, a file, resumed after a reload and on another sign-in; the decision reaches the office', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await logIn(page, 'processor@sunrise.example');
  await page.goto('/referrals');
  await expect(page.getByRole('heading', { level: 1, name: 'Referral Lookup' })).toBeVisible();
  await hydrated(page);
  await axe(page);
  const cin = await aDirectMember(page);
  await page.getByRole('link', { name: 'Submit a Referral' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Submit a Referral' })).toBeVisible();

  // 1. About the Referral.
  await onStep(page, 'About the Referral');
  await page.getByRole('radio', { name: 'Medical' }).check();
  await page.getByRole('textbox', { name: 'Member ID' }).fill(cin);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('radio', { name: new RegExp(`CIN ${cin}`) })).toBeChecked();
  await axe(page);
  await page.getByRole('button', { name: 'Next' }).click();

  // 2. Referring Provider Info: a provider of the office.
  await onStep(page, 'Referring Provider Info');
  await page.getByRole('radio', { name: /^Maria Lopez, MD/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  // 3. Referred To Provider Info: the tertiary warning, then a community provider.
  await onStep(page, 'Referred To Provider Info');
  await page.getByRole('textbox', { name: 'Provider Name, ID or Specialty' }).fill('university');
  await page.getByRole('button', { name: 'Search for Provider' }).click();
  await page.getByRole('radio', { name: /^Valley University Medical Center/ }).check();
  const dialog = page.getByRole('dialog', { name: 'You have selected a tertiary provider.' });
  await expect(dialog).toBeVisible();
  // The tooltip explains tertiary care, on focus as on hover.
  await dialog.getByRole('button', { name: 'What is tertiary care?' }).focus();
  await expect(dialog.getByRole('tooltip')).toContainText('Tertiary care is highly specialized care');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog).toBeHidden();
  const redirect = page.getByRole('group', { name: 'OK to redirect if needed?' });
  await expect(redirect.getByRole('radio', { name: 'No' })).toBeChecked();
  const next = page.getByRole('button', { name: 'Next' });
  await expect(next).toBeDisabled();
  await page.getByRole('textbox', { name: 'Justification' }).fill('Only the university center offers this procedure.');
  await expect(next).toBeEnabled();
  await axe(page);
  // "Yes": the tertiary choice is cleared and a new provider is asked for. (A click, not
  // `check()`: the answer takes the question away with the choice, so the radio may be gone
  // before a check could see it ticked.)
  await redirect.getByRole('radio', { name: 'Yes' }).click();
  await expect(page.getByText('You allowed the member to be redirected')).toBeVisible();
  await page.getByRole('textbox', { name: 'Provider Name, ID or Specialty' }).fill('cardiology');
  await page.getByRole('button', { name: 'Search for Provider' }).click();
  await expect(page.getByText('Not accepting new patients (closed panel: sees current patients)')).toBeVisible();
  await expect(page.getByText(/Far away: about \d+ miles from the member/)).toBeVisible();
  await page.getByRole('radio', { name: /^Capitol Cardiology Associates/ }).check();
  await expect(page.locator('p', { hasText: /^Referred To:/ })).toContainText('Capitol Cardiology Associates');
  // A reload resumes the draft where it was.
  await page.reload();
  await onStep(page, 'Referred To Provider Info');
  await expect(page.locator('p', { hasText: /^Referred To:/ })).toContainText('Capitol Cardiology Associates');
  await expect(page.getByRole('group', { name: 'OK to redirect if needed?' }).getByRole('radio', { name: 'Yes' })).toBeChecked();
  await page.getByRole('button', { name: 'Next' }).click();

  // 4. Medical Info: a service with its units, an ICD code found by words.
  await onStep(page, 'Medical Info');
  await expect(page.getByRole('radio', { name: 'Routine' })).toBeChecked();
  await page.getByRole('combobox', { name: 'Place of Service' }).selectOption({ label: '11 Office' });
  const service = page.getByRole('combobox', { name: 'Select a Service' });
  await expect(service.locator('option[value="99213"]')).toBeDisabled();
  // A service's question and modifiers follow the choice before anything is posted; an
  // answer given to one service's question is not kept for another's.
  const question = page.getByRole('group', { name: 'Has the member completed at least six weeks of conservative therapy?' });
  await expect(question).toBeHidden();
  await service.selectOption('72148');
  await question.getByRole('radio', { name: 'Yes' }).check();
  await service.selectOption('29881');
  await expect(question).toBeHidden();
  await expect(page.getByText('Modifiers for 29881: RT, LT')).toBeVisible();
  await service.selectOption('72148');
  await expect(question.getByRole('radio', { name: 'Yes' })).not.toBeChecked();
  await expect(page.getByText('Modifiers for 29881: RT, LT')).toBeHidden();
  await service.selectOption('99244');
  await expect(question).toBeHidden();
  await page.getByRole('button', { name: '+ Add Service' }).click();
  await expect(page.getByText('Enter the Units.')).toBeVisible();
  await page.getByRole('combobox', { name: 'Select a Service' }).selectOption('99244');
  await page.getByRole('textbox', { name: 'Units' }).fill('2');
  await page.getByRole('button', { name: '+ Add Service' }).click();
  await expect(page.getByRole('table', { name: 'Services requested' })).toContainText('99244');
  // "+ Add Service" posted the step and loaded it anew: the matches come as the user types
  // only once that page's app runs.
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Find an ICD Code' }).fill('essential hypertension');
  await page.getByRole('combobox', { name: 'ICD Code' }).selectOption('I10');
  await page.getByRole('button', { name: '+ Add ICD Code' }).click();
  await expect(page.getByRole('table', { name: 'ICD codes' })).toContainText('Essential (primary) hypertension');
  await page.getByRole('textbox', { name: 'Clinical Indications' }).fill('Chest pain on exertion for three weeks.');
  await axe(page);
  await page.getByRole('button', { name: 'Next' }).click();

  // 5. Clinical Attachments: a file.
  await onStep(page, 'Clinical Attachments');
  await page.getByLabel('+ Choose Files').setInputFiles({ name: 'ecg.pdf', mimeType: 'application/pdf', buffer: onePagePdf() });
  await page.getByRole('button', { name: 'Attach File' }).click();
  await expect(page.getByText(/ecg\.pdf \(/)).toBeVisible();

  // Another sign-in (another device) finds the draft and resumes it at this step.
  const other = await (await browser.newContext()).newPage();
  await logIn(other, 'processor@sunrise.example');
  await other.goto('/referrals');
  await hydrated(other);
  await other.getByRole('link', { name: /^Resume draft for .*, at Clinical Attachments/ }).first().click();
  await onStep(other, 'Clinical Attachments');
  await expect(other.getByText(/ecg\.pdf \(/)).toBeVisible();
  await other.getByRole('button', { name: 'Next' }).click();

  // 6. Review, then "Submit Referral".
  await onStep(other, 'Review');
  await expect(other.getByRole('region', { name: 'Medical Info' })).toContainText('99244');
  await expect(other.getByRole('region', { name: 'Referred To Provider Info' })).toContainText('Capitol Cardiology Associates');
  await axe(other);
  await other.getByRole('button', { name: 'Submit Referral' }).click();
  await expect(other.getByRole('heading', { level: 1, name: /^Referral RF\d+$/ })).toBeVisible();
  await expect(other.getByRole('status').filter({ hasText: 'was submitted' })).toContainText('Status: Pending. The plan decides by');
  const code = ((await other.getByRole('heading', { level: 1 }).textContent()) ?? '').replace('Referral ', '').trim();
  await hydrated(other);
  for (const name of ['Services', 'Member Info', 'Providers', 'Diagnosis', 'Attachments']) {
    await other.getByRole('tab', { name }).click();
    await expect(other.getByRole('tabpanel', { name })).toBeVisible();
  }
  await expect(other.getByRole('tabpanel', { name: 'Attachments' }).getByRole('link', { name: 'ecg.pdf' })).toBeVisible();
  await axe(other);
  await other.close();

  // The plan approves it; the office is told on its dashboard.
  const ops = await (await browser.newContext()).newPage();
  await logIn(ops, 'ops@poppy.example');
  await ops.goto('/operator');
  await hydrated(ops);
  await ops.getByRole('combobox', { name: `Decision on ${code}` }).selectOption('approved');
  await ops.getByRole('button', { name: `Record decision on ${code}` }).click();
  await expect(ops.getByRole('status').filter({ hasText: `Referral ${code} was approved; the office was notified.` })).toBeVisible();
  await ops.close();
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Notifications' }).getByText(`Referral ${code} was approved`)).toBeVisible();
});

test('Prior Authorization Metrics: public, by year and type, with a CSV', async ({ page }) => {
  await page.goto('/metrics/prior-authorization');
  await expect(page.getByRole('heading', { level: 1, name: 'Prior Authorization Metrics' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Prior authorization decisions by period and request type' });
  await expect(table.getByRole('row')).toHaveCount(5);
  await expect(table).toContainText('Expedited');
  await expect(table).toContainText('(year to date)');
  await axe(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const csv = await (await download).path();
  const lines = fs.readFileSync(csv!, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('Period,Request Type,Requests Decided,Approved,Denied,Approved After Appeal,Approved After Extension,Average Time to Decision,Median Time to Decision');
  expect(lines).toHaveLength(5);
});
