import { expect, Page, APIRequestContext } from '@playwright/test';

export const DEMO_PASSWORD = 'Poppy-Demo-Password-2026!';

export type Message = {
  id: number;
  channel: 'email' | 'sms' | 'voice' | 'postal';
  to: string;
  subject: string;
  body: string;
  links: string[];
  codes: string[];
  created_at: string;
};

/** Resolves once the browser app has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  // Generous: an unoptimized bundle on a busy two-core machine takes a while to start.
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1, { timeout: 45_000 });
}

/** Everything in the dev mailbox, newest first. */
export async function mailbox(request: APIRequestContext): Promise<Message[]> {
  const response = await request.get('/dev/mailbox.json');
  expect(response.ok()).toBeTruthy();
  return response.json();
}

/** The newest message that matches, waiting for it to arrive. */
export async function waitForMessage(request: APIRequestContext, match: (m: Message) => boolean): Promise<Message> {
  let found: Message | undefined;
  await expect(async () => {
    found = (await mailbox(request)).find(match);
    expect(found).toBeDefined();
  }).toPass({ timeout: 15_000 });
  return found!;
}

/** On a "One-Time Passcode" screen: sends the code (if asked how) and types it in. */
export async function completePasscode(page: Page) {
  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toBeVisible();
  const submit = page.getByRole('button', { name: 'Submit' });
  if (await submit.isVisible()) {
    await submit.click();
  }
  await typePasscode(page);
}

/** Reads the prefix shown, finds the passcode sent with it, types it and goes on. */
export async function typePasscode(page: Page) {
  const hint = page.getByText(/The six digits after \d{4}-/);
  await expect(hint).toBeVisible();
  const prefix = /(\d{4})-/.exec((await hint.textContent()) ?? '')![1];
  const message = await waitForMessage(page.request, (m) => m.body.includes(`${prefix}-${m.codes[0]}`));
  await page.getByRole('textbox', { name: 'One-time passcode' }).fill(message.codes[0]);
  await page.getByRole('button', { name: 'Next' }).click();
}

/** Email, "Next", password, "Log In" — and nothing more. */
export async function enterPassword(page: Page, email: string, password = DEMO_PASSWORD) {
  // The sign-in page comes without the browser app: its steps post as plain forms.
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Email Address' }).fill(email);
  // Within 10 minutes of an earlier try, the page remembers the address and asks for the
  // password straight away.
  const next = page.getByRole('button', { name: 'Next' });
  if (await next.isVisible()) {
    await next.click();
  }
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log In' }).click();
}

/** Signs in completely: password, then the one-time passcode. */
export async function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await enterPassword(page, email, password);
  await completePasscode(page);
  // Signing in ends with a full page load of where the user goes next: wait for it, so that a
  // test's own navigation does not race it.
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** On "Provider Portal User Training": every slide, then the completion. */
export async function completeTraining(page: Page) {
  await expect(page.getByRole('heading', { level: 1, name: 'Provider Portal User Training' })).toBeVisible();
  await hydrated(page);
  const next = page.getByRole('button', { name: 'Next' });
  const complete = page.getByRole('button', { name: 'Complete Training' });
  // Until the last slide: a click waits for "Next" if the page is re-rendering.
  while (!(await complete.isVisible())) {
    await next.click();
  }
  await expect(complete).toBeDisabled();
  await page.getByRole('checkbox', { name: 'I have completed the training' }).check();
  await complete.click();
}

/**
 * "Register as a New User", from its first form to "Thank You", for Harbor Pediatrics. Works
 * with and without the browser app; `appRunning` also checks what only the app does ("Accept"
 * waits until the terms are read).
 */
export async function requestAccess(page: Page, first: string, last: string, email: string, appRunning = false) {
  await toFindYourProvider(page, first, last, email, appRunning);
  // With the browser app the tab shows its panel; without it every panel shows.
  await page.getByRole('tab', { name: 'Group/Facility Search' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Group/Facility Search' });
  await panel.getByRole('textbox', { name: 'Tax Identification Number' }).fill('94-2345678');
  await panel.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('radio', { name: /^Harbor Pediatrics, NPI \d{10}$/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Review Your Request' })).toBeVisible();
  await expect(page.getByText(`${first} ${last}`)).toBeVisible();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank You' })).toBeVisible();
}

/** "Request Access" from its first step to "Find Your Provider". */
export async function toFindYourProvider(page: Page, first: string, last: string, email: string, appRunning = false) {
  await expect(page.getByRole('heading', { level: 1, name: 'Request Access' })).toBeVisible();
  await page.getByRole('textbox', { name: 'First Name' }).fill(first);
  await page.getByRole('textbox', { name: 'Last Name' }).fill(last);
  await page.getByRole('textbox', { name: 'Provider Address' }).fill('200 Harbor Blvd, West Sacramento, CA 95691');
  await page.getByRole('textbox', { name: 'Mobile Number' }).fill('(916) 555-4200');
  await page.getByRole('textbox', { name: 'Email Address' }).fill(email);
  await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Nurse' });
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Verify Your Identity' })).toBeVisible();
  const code = await waitForMessage(page.request, (m) => m.to === email && m.codes.length > 0);
  await page.getByRole('textbox', { name: 'Passcode' }).fill(code.codes[0]);
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Terms and Conditions' })).toBeVisible();
  const accept = page.getByRole('button', { name: 'Accept' });
  if (appRunning) {
    await expect(accept).toBeDisabled();
  }
  // Read to the end by keyboard.
  await page.getByRole('region', { name: 'Terms and Conditions text' }).focus();
  await page.keyboard.press('End');
  await expect(accept).toBeEnabled();
  await accept.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find Your Provider' })).toBeVisible();
}

/** A small, valid one-page PDF. */
export function onePagePdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>'];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * The CIN of an adult, eligible Poppy Direct member of the signed-in office (one a Medical
 * referral may be for), asked of the server as the facesheet asks; works with JavaScript off.
 */
export async function aDirectMember(page: Page): Promise<string> {
  const origin = new URL(page.url()).origin;
  const year = new Date().getFullYear();
  for (let n = 0; n < 400; n++) {
    const cin = `${90_000_000 + n}${String.fromCharCode(65 + (n % 26))}`;
    const answer = await page.request.post('/api/members/facesheet', { form: { cin }, headers: { origin } });
    if (answer.status() === 404) continue;
    expect(answer.ok()).toBeTruthy();
    const sheet = await answer.json();
    const born = Number(sheet.date_of_birth.slice(-4));
    if (sheet.health_network === 'Poppy Direct' && sheet.eligibility_status !== 'Not Eligible' && born < year - 19 && born > year - 60) {
      return cin;
    }
  }
  throw new Error('no Poppy Direct member');
}
