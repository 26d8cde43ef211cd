import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, logIn } from './helpers';

/** The first demo claim the NPI billed or rendered, found through the inquiry itself (from
 *  the page, as the browser app asks). */
async function aClaimOf(page: Page, npi: string): Promise<string> {
  return page.evaluate(async (npi) => {
    const year = new Date().getFullYear();
    for (let n = 1; n <= 40; n++) {
      const claim = `${year}${String(n).padStart(8, '0')}`;
      const body = new URLSearchParams({ npi, 'inquiry[claim]': claim, 'inquiry[cin]': '', 'inquiry[from]': '', 'inquiry[to]': '' });
      const answer = await fetch('/api/transactions/claim-status', { method: 'POST', body });
      if (!answer.ok) throw new Error(`claim status: ${answer.status}`);
      if ((await answer.json()).claims.length === 1) return claim;
    }
    throw new Error(`no demo claim for NPI ${npi}`);
  }, npi);
}

test('Transactions Center: choose an NPI, check a claim status and a member eligibility', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.getByRole('region', { name: 'Transactions Center' }).getByRole('link', { name: 'Go to Transactions Center' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Transactions Center' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Go to Transaction Services' }).click();
  await expect(page.getByText('Choose an NPI.')).toBeVisible();

  const select = page.getByRole('combobox', { name: 'NPI' });
  const label = (await select.locator('option').allTextContents()).find((o) => /^Sunrise Family Clinic \(\d{10}\)$/.test(o))!;
  const npi = /\((\d{10})\)/.exec(label)![1];
  await select.selectOption({ label });
  await page.getByRole('button', { name: 'Go to Transaction Services' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `Transaction Services: Sunrise Family Clinic (NPI ${npi})` })).toBeVisible();

  // Claim status (276/277) by claim number: the status category code, and the 277 itself.
  const claim = await aClaimOf(page, npi);
  const status = page.getByRole('form', { name: 'Claim Status Inquiry' });
  await status.getByRole('textbox', { name: 'Claim Number' }).fill(claim);
  await status.getByRole('button', { name: 'Check Claim Status' }).click();
  const row = page.getByRole('table', { name: 'Claim Status Response' }).getByRole('row').filter({ hasText: claim });
  await expect(row).toContainText(/(P1|F1|F2|F3):\d+/);
  await page.getByText('X12 277').click();
  await expect(page.getByText(`REF*1K*${claim}~`)).toBeVisible();
  const cin = /\((\d{8}[A-Z])\)/.exec((await row.textContent())!)![1];

  // Eligibility (270/271): a wrong birth date finds nobody; a bad ID is named at the field.
  const eligibility = page.getByRole('form', { name: 'Eligibility Inquiry' });
  await eligibility.getByRole('textbox', { name: 'Member ID' }).fill('1234');
  await eligibility.getByRole('button', { name: 'Check Eligibility' }).click();
  await expect(eligibility.getByText('A member ID (CIN) is 8 digits followed by a letter, like 12345678A.')).toBeVisible();
  await expect(eligibility.getByText("Enter the member's Date of Birth.")).toBeVisible();
  await eligibility.getByRole('textbox', { name: 'Member ID' }).fill(cin);
  await eligibility.getByLabel('Date of Birth').fill('1900-01-01');
  await eligibility.getByRole('button', { name: 'Check Eligibility' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Subscriber/Insured Not Found' })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
