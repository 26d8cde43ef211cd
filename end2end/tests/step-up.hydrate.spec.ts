import { test, expect } from '@playwright/test';
import crypto from 'node:crypto';
import { completePasscode, enterPassword, hydrated, logIn } from './helpers';

// Runs on the isolated server, where a passcode counts as a fresh step-up for 4 seconds only.

/** The authenticator app's code (RFC 6238: SHA-1, 30-second steps, six digits). */
function totp(secret: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) key.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(value % 1_000_000).padStart(6, '0');
}

test('a stale sign-in asks for a fresh passcode; the authenticator app then replaces the passcode', async ({ page }) => {
  await logIn(page, 'network@coastal.example');
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1, name: 'My Profile and Preferences' })).toBeVisible();
  await hydrated(page);
  // Longer than the step-up window: the sign-in passcode no longer counts.
  await page.waitForTimeout(5_000);

  await page.getByRole('button', { name: 'Set Up Authenticator App' }).click();
  await expect(page.getByText("For your security, confirm it's you with a one-time passcode")).toBeVisible();
  await completePasscode(page);
  // Back where the action was, which now goes through: the key to type into the app.
  await expect(page.getByRole('heading', { level: 1, name: 'My Profile and Preferences' })).toBeVisible();
  await page.getByRole('button', { name: 'Set Up Authenticator App' }).click();
  const key = page.locator('.enrollment code');
  await expect(key).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await key.textContent())!.trim();
  const step = Math.floor(Date.now() / 30_000);
  await page.getByRole('textbox', { name: 'Authenticator code' }).fill(totp(secret, step));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your authenticator app is set up.' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign Out', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Log In' })).toBeVisible();
  await enterPassword(page, 'network@coastal.example');
  await expect(page.getByRole('heading', { level: 1, name: 'One-Time Passcode' })).toBeVisible();
  await page.getByRole('radio', { name: 'Authenticator app' }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  // A code is accepted once: the next step's code (within the allowed skew) signs in.
  await page.getByRole('textbox', { name: 'One-time passcode' }).fill(totp(secret, step + 1));
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My Dashboard' })).toBeVisible();
});
