import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage();
page.on('console', m => console.log('console', m.type(), m.text().slice(0, 600)));
page.on('pageerror', e => console.log('pageerror', e.message.slice(0, 600)));
page.on('requestfailed', r => console.log('failed', r.url(), r.failure()?.errorText));
await page.goto(process.argv[2]);
try { await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 20000 }); console.log('HYDRATED'); } catch (e) { console.log('NOT hydrated'); }
await browser.close();
