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

/** An 837P with one claim line billed by `npi`; `se` is what SE01 says (11 is right). */
export function claimFile(npi: string, se = 11): Buffer {
  const segments = [
    'ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*POPPYHEALTH    *261130*1200*^*00501*000000905*0*T*:',
    'GS*HC*SUBMITTER01*POPPYHEALTH*20261130*1200*905*X*005010X222A1',
    'ST*837*0001*005010X222A1',
    'BHT*0019*00*0123*20261130*1200*CH',
    'NM1*41*2*SUNRISE BILLING*****46*SUB01',
    'NM1*40*2*POPPY HEALTH*****46*POPPYHEALTH',
    'HL*1**20*1',
    `NM1*85*2*SUNRISE FAMILY CLINIC*****XX*${npi}`,
    'HL*2*1*22*0',
    'NM1*IL*1*DOE*JANE****MI*90000001B',
    'CLM*PA1234*125***11:B:1*Y*A*Y*Y',
    'SV1*HC:99213*125*UN*1***1',
    `SE*${se}*0001`,
    'GE*1*905',
    'IEA*1*000000905',
  ];
  return Buffer.from(segments.map((s) => `${s}~\n`).join(''));
}

test('Transaction Testing: a good 837P is accepted with its 999, a miscounted one is rejected by segment', async ({ page }) => {
  await logIn(page, 'admin@sunrise.example');
  await page.goto('/transactions');
  const label = (await page.getByRole('combobox', { name: 'NPI' }).locator('option').allTextContents()).find((o) => /^Sunrise Family Clinic \(\d{10}\)$/.test(o))!;
  const npi = /\((\d{10})\)/.exec(label)![1];
  await page.goto('/');
  await page.getByRole('region', { name: 'Transaction Testing' }).getByRole('link', { name: 'Submit a Test' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Transaction Testing' })).toBeVisible();
  await hydrated(page);
  const form = page.getByRole('form', { name: 'Submit a Test' });
  await form.getByRole('combobox', { name: 'Transaction Type' }).selectOption('837P');
  await form.getByLabel('Test File').setInputFiles({ name: 'claims-good.txt', mimeType: 'text/plain', buffer: claimFile(npi) });
  await form.getByRole('button', { name: 'Submit Test' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Accepted: 837P claims-good.txt passed every check.' })).toBeVisible();
  await page.getByText('999 Acknowledgment').click();
  await expect(page.getByText('AK9*A*1*1*1~')).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  await form.getByRole('combobox', { name: 'Transaction Type' }).selectOption('837P');
  await form.getByLabel('Test File').setInputFiles({ name: 'claims-bad.txt', mimeType: 'text/plain', buffer: claimFile(npi, 12) });
  await form.getByRole('button', { name: 'Submit Test' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rejected: 837P claims-bad.txt has 1 problem to fix.' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Findings' })).toContainText('SE01 says 12 segments; the set has 11.');
  await expect(page.getByRole('table', { name: 'Recent Tests' }).getByRole('link', { name: 'claims-good.txt' })).toBeVisible();
});
