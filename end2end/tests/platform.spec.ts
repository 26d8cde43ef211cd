import { test, expect } from '@playwright/test';

test('the dev mailbox holds the secure token letter for Oak Street', async ({ request }) => {
  const response = await request.get('/dev/mailbox.json');
  expect(response.ok()).toBeTruthy();
  const messages: Array<{ channel: string; to: string; body: string; codes: string[]; links: string[]; created_at: string }> =
    await response.json();
  const letter = messages.find((m) => m.channel === 'postal' && m.to.startsWith('Oak Street Medical Group'));
  expect(letter).toBeDefined();
  expect(letter!.codes).toHaveLength(1);
  expect(letter!.codes[0]).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/);
  expect(letter!.body).toContain(letter!.codes[0]);
  expect(Array.isArray(letter!.links)).toBeTruthy();
});

test('the dev mailbox page lists the letter', async ({ page }) => {
  await page.goto('/dev/mailbox');
  await expect(page.getByRole('heading', { level: 1, name: 'Dev Mailbox' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Poppy Health Provider Portal Secure Token ID' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'secure-token-letter.pdf' }).first()).toBeVisible();
});

test('a cross-site POST to a server function is refused with 403', async ({ request, baseURL }) => {
  const crossSite = await request.post('/api/log-in', {
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'email=admin%40sunrise.example&password=x',
  });
  expect(crossSite.status()).toBe(403);
  const sameOrigin = await request.post('/api/log-in', {
    headers: { Origin: baseURL!, 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'email=admin%40sunrise.example&password=x',
  });
  expect(sameOrigin.status()).toBe(422);
});

test('pages carry the security headers and a CSP nonce on their scripts', async ({ request }) => {
  const response = await request.get('/login');
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['strict-transport-security']).toContain('max-age=');
  expect(headers['cache-control']).toBe('no-store');
  expect(await response.text()).toContain(`nonce="${nonce}"`);
});
