import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import fs from 'node:fs';

/** On a failed test, prints what the page showed (Playwright's error context: the page's
 * accessibility snapshot), so a failure on a machine whose files are gone can still be read. */
export default class FailurePage implements Reporter {
  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === result.expectedStatus) return;
    for (const a of result.attachments) {
      if (a.name !== 'error-context' || !a.path || !fs.existsSync(a.path)) continue;
      const text = fs.readFileSync(a.path, 'utf8');
      // Past the error itself, which the list reporter prints already.
      const snapshot = text.slice(Math.max(0, text.indexOf('```yaml')));
      console.log(`\n── the page when "${test.title}" failed ──\n${snapshot.slice(0, 12_000)}\n`);
    }
  }

  printsToStdio() {
    return false;
  }
}
