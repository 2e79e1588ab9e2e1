// Takes AWS away for real: kills the stack's emulator (its pid comes from
// WHOAMI_E2E_EMULATOR_PID), and with it Cognito and the API Gateway, while a signed-in page is
// open. The session survives a reload and the page says the API is unreachable; a new
// sign-in is told the sign-in service is unreachable. Runs after the other tests, as
// `npm run test:faults`, because it leaves the stack without AWS.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { base, config, createUser, launch, openPage, signIn, storedTokens } from '../lib.js';

const pid = Number(process.env.WHOAMI_E2E_EMULATOR_PID);
const TIMEOUT = { timeout: 10_000 };

let browser;
let cfg;

before(async () => {
  assert.ok(pid > 0, "set WHOAMI_E2E_EMULATOR_PID to the pid of the stack's emulator (whoami-local --json prints it)");
  cfg = await config();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function emulatorAnswers() {
  try {
    await fetch(cfg.cognito_endpoint, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

const alertText = async (page) => {
  await page.waitForFunction(() => document.querySelector('[role=alert]')?.textContent.trim(), null, TIMEOUT);
  return page.getByRole('alert').textContent();
};

test('with the emulator killed, a session is kept and each failure names what is unreachable', async () => {
  const user = await createUser(cfg, { password: 'Good-Pass-123' });
  const signedIn = await openPage(browser, 'emulator-killed-session');
  await signedIn.page.goto(base);
  await signIn(signedIn.page, user);
  await signedIn.page.locator('#email-shown').waitFor(TIMEOUT);
  await signedIn.shot('signed-in');
  const tokens = await storedTokens(signedIn.page);

  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && (await emulatorAnswers()); i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await emulatorAnswers(), false, 'the emulator still answers after SIGKILL');

  // The API is gone too: the page says so and keeps the session for when it is back.
  await signedIn.page.reload();
  assert.match(await alertText(signedIn.page), /API is unreachable\. Your session is kept/);
  assert.equal(await storedTokens(signedIn.page), tokens, 'the tokens are kept');
  await signedIn.shot('session-kept');

  const anonymous = await openPage(browser, 'emulator-killed-sign-in');
  await anonymous.page.goto(base);
  await signIn(anonymous.page, user);
  assert.match(await alertText(anonymous.page), /sign-in service is unreachable/);
  await anonymous.shot('unreachable');

  await signedIn.context.close();
  await anonymous.context.close();
});
