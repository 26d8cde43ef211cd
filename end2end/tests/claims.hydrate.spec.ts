import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, logIn, onePagePdf, waitForMessage } from './helpers';

/** The CIN of a member the signed-in office is associated with (found as the page would). */
async function anAssociatedCin(page: Page): Promise<string> {
  return page.evaluate(async () => {
    for (let n = 0; n < 60; n++) {
      const cin = `${90_000_000 + n}${String.fromCharCode(65 + (n % 26))}`;
      const body = new URLSearchParams({
        'search[by]': 'id', 'search[member_id]': cin, 'search[last_name]': '', 'search[first_name]': '',
        'search[date_of_birth]': '', 'search[city]': '',
      });
      const answer = await fetch('/api/members/search', { method: 'POST', body });
      if (!answer.ok) throw new Error(`member search: ${answer.status}`);
      if ((await answer.json()).items.length === 1) return cin;
    }
    throw new Error('no associated demo member');
  });
}

test('Member Lookup: a member by ID, then every facesheet tab', async ({ page }) => {
  // A processor with Eligibility, Claims and Referrals: every tab shows.
  await logIn(page, 'processor@sunrise.example');
  await page.getByRole('link', { name: 'Look up a member' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Member Lookup' })).toBeVisible();
  await hydrated(page);
  const cin = await anAssociatedCin(page);
  // A bad ID is named at the field and keeps what was typed. The search loads the page anew,
  // and until its tabs run every panel shows, each with its own "Search".
  const search = page.getByRole('tabpanel', { name: 'Member ID' }).getByRole('button', { name: 'Search' });
  await page.getByRole('textbox', { name: 'Member ID' }).fill('12-34');
  await search.click();
  await expect(page.getByText('Enter a CIN (8 digits and a letter), a MEDS ID (9 digits) or an MBI (11 letters and digits).')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Member ID' })).toHaveValue('12-34');
  // With dashes, as copied from a card.
  await page.getByRole('textbox', { name: 'Member ID' }).fill(`${cin.slice(0, 4)}-${cin.slice(4)}`);
  await search.click();
  const row = page.getByRole('table', { name: 'Members matching your search' }).getByRole('row').filter({ hasText: cin });
  await expect(row).toContainText(/Eligible|Share of Cost|Not Eligible/);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await row.getByRole('link', { name: 'View Facesheet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Member Facesheet' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: new RegExp(`\\(CIN ${cin}\\)`) })).toBeVisible();
  await hydrated(page);
  const tabs = ['Eligibility', 'Condition History', 'Claims History', 'Referrals', 'Labs', 'Medications'];
  for (const name of tabs) {
    await page.getByRole('tab', { name }).click();
    await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel', { name })).toBeVisible();
  }
  await expect(page.getByRole('tabpanel', { name: 'Referrals' })).toBeHidden();
  await page.getByRole('tab', { name: 'Referrals' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Referrals' })).toContainText(/\d+ referrals?/);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('Claims Lookup: by dates, every claim tab, the printable copy, the RA and the CSV', async ({ page }) => {
  await logIn(page, 'processor@sunrise.example');
  await page.getByRole('link', { name: 'Look up claims' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Claims Lookup' })).toBeVisible();
  await hydrated(page);
  // Dates the wrong way round are named at the field.
  await page.getByLabel('From').fill('2026-05-02');
  await page.getByLabel('To').fill('2026-05-01');
  await page.getByRole('button', { name: 'Find Claims' }).click();
  await expect(page.getByText('The To date must be on or after the From date.')).toBeVisible();
  const year = new Date().getFullYear();
  await page.getByLabel('From').fill(`${year - 1}-01-01`);
  await page.getByLabel('To').fill(`${year}-12-31`);
  await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Finalized' });
  await page.getByRole('button', { name: 'Find Claims' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Claim Search Results' })).toBeVisible();
  const results = page.getByRole('table', { name: 'Claims found, newest first' });
  const rows = results.getByRole('row').filter({ has: page.getByRole('link', { name: 'RA' }) });
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBe(25);
  await expect(results).not.toContainText('In Progress');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // The whole search as CSV: a header and a line per claim.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download', exact: true }).click()]);
  const text = (await csv.createReadStream().then(async (s) => {
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  })).toString();
  expect(text.split('\n')[0]).toBe('Claim #,CIN,Member Name,LOB,Service From,Service To,Billed,Paid,Status,Paid Date');
  expect(text.trim().split('\n').length).toBeGreaterThan(26);

  // The first claim's remittance advice is a PDF.
  const [ra] = await Promise.all([page.waitForEvent('download'), rows.first().getByRole('link', { name: 'RA' }).click()]);
  expect(ra.suggestedFilename()).toMatch(/^remittance-advice-\d+\.pdf$/);

  // Then the claim itself, tab by tab.
  const number = (await rows.first().getByRole('link').first().textContent())!;
  await rows.first().getByRole('link', { name: number }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Claim #: ${number}` })).toBeVisible();
  await hydrated(page);
  for (const name of ['Services', 'Member Info', 'Providers', 'Diagnosis', 'EOB']) {
    await page.getByRole('tab', { name }).click();
    await expect(page.getByRole('tabpanel', { name })).toBeVisible();
  }
  await expect(page.getByRole('table', { name: 'Explanation of benefits, by line' })).toContainText('Total');
  const [printable] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download Printable' }).click()]);
  expect(printable.suggestedFilename()).toMatch(new RegExp(`^claim-${number}-`));
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

/** A finalized claim of the signed-in office that may be disputed (found as the page would). */
async function aDisputableClaim(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const year = new Date().getFullYear();
    const search = new URLSearchParams({
      'search[by]': 'date', 'search[from]': `${year - 1}-01-01`, 'search[to]': `${year}-12-31`, 'search[date_type]': 'service',
      'search[status]': 'finalized', 'search[cin]': '', 'search[number]': '',
    });
    const found = await (await fetch('/api/claims/search', { method: 'POST', body: search })).json();
    for (const claim of found.items) {
      const detail = await (await fetch('/api/claims/detail', { method: 'POST', body: new URLSearchParams({ number: claim.number }) })).json();
      if (detail.may_dispute) return claim.number as string;
    }
    throw new Error('no disputable demo claim');
  });
}

test('a dispute with an attachment, found in Dispute Lookup, acknowledged by the plan, emailed to the office', async ({ page, browser, request }) => {
  // Three sign-ins and two pages checked by axe: over a minute on a quiet machine.
  test.setTimeout(180_000);
  // The processor holds Disputes; the office's admin gets the acknowledgment.
  await logIn(page, 'processor@sunrise.example');
  await page.goto('/claims');
  await hydrated(page);
  const claim = await aDisputableClaim(page);
  await page.goto(`/claims/${claim}`);
  await hydrated(page);
  await page.getByRole('link', { name: 'Dispute Claim' }).click();
  const dialog = page.getByRole('dialog', { name: 'Provider Dispute Resolution Request' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(claim);
  // A missing phone is named at its field; what was typed stays.
  await dialog.getByLabel('Dispute Description').fill('The visit was paid below the contracted rate.');
  await dialog.getByLabel('Expected Outcome').fill('Reprocess at the contracted rate.');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Pat Lee');
  await dialog.getByRole('textbox', { name: 'Email' }).fill('pat@sunrise.example');
  await dialog.getByRole('button', { name: 'Continue to attachment' }).click();
  await expect(dialog.getByText("Enter the contact's Phone.")).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Name' })).toHaveValue('Pat Lee');
  await dialog.getByRole('textbox', { name: 'Phone' }).fill('916-555-0100');
  await dialog.getByRole('button', { name: 'Continue to attachment' }).click();
  // A web page named .pdf is refused by its content; a real PDF is taken.
  await dialog.getByLabel('+ Choose File').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<!DOCTYPE html><p>not a pdf</p>') });
  await dialog.getByRole('button', { name: 'Attach File' }).click();
  await expect(page.getByRole('dialog', { name: 'Provider Dispute Resolution Request' }).getByRole('alert')).toContainText('notes.pdf');
  await page.getByRole('dialog').getByLabel('+ Choose File').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: onePagePdf() });
  await page.getByRole('dialog').getByRole('button', { name: 'Attach File' }).click();
  await expect(page.getByRole('table', { name: 'Files attached' })).toContainText('contract.pdf');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.getByRole('button', { name: 'Submit Dispute' }).click();
  const submitted = page.getByRole('dialog').getByRole('status');
  await expect(submitted).toContainText(/Dispute #: PDR\d+/);
  const number = /PDR\d+/.exec((await submitted.textContent())!)![0];

  // Dispute Lookup: by number, then the dialog's three tabs.
  await page.goto('/claims');
  await page.getByRole('navigation', { name: 'Claims' }).getByRole('link', { name: 'Dispute Lookup' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dispute Lookup' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('tab', { name: 'Dispute #' }).click();
  await page.getByRole('textbox', { name: 'Dispute #' }).fill(number);
  await page.getByRole('button', { name: 'Find Disputes' }).click();
  await page.getByRole('table', { name: "Your office's disputes, newest first" }).getByRole('link', { name: number }).click();
  const view = page.getByRole('dialog', { name: 'Dispute' });
  await expect(view).toContainText('Submitted');
  await view.getByRole('tab', { name: 'Attachments' }).click();
  await expect(view.getByRole('link', { name: 'contract.pdf' })).toBeVisible();
  await view.getByRole('tab', { name: 'Correspondence' }).click();
  await expect(view.getByText('No correspondence yet')).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // The plan acknowledges it; the office's admins are emailed.
  const ops = await browser.newPage();
  await logIn(ops, 'ops@poppy.example');
  await ops.goto('/operator#disputes');
  await hydrated(ops);
  await ops.getByRole('button', { name: `Acknowledge ${number}` }).click();
  await expect(ops.getByRole('region', { name: 'Dispute Queue' }).getByRole('status')).toContainText(`Dispute ${number} was acknowledged`);
  await ops.close();
  const mail = await waitForMessage(request, (m) => m.to === 'admin@sunrise.example' && m.subject.includes(`Dispute ${number} acknowledged`));
  expect(mail.body).toContain(claim);
});
