// Takes the sign-in service away for real: kills the stack's moto process (its pid comes
// from WHOAMI_E2E_MOTO_PID) while a signed-in page is open. The session survives a reload,
// and a new sign-in is told the service is unreachable. Runs after the other tests, as
// `npm run test:faults`, because it leaves the stack without Cognito.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { base, config, createUser, launch, openPage, signIn } from '../lib.js';

const pid = Number(process.env.WHOAMI_E2E_MOTO_PID);
const TIMEOUT = { timeout: 10_000 };

let browser;
let cfg;

before(async () => {
  assert.ok(pid > 0, 'set WHOAMI_E2E_MOTO_PID to the pid of the stack\'s moto (whoami-local --json prints it)');
  cfg = await config();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function motoAnswers() {
  try {
    await fetch(`${cfg.cognito_endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

test('with moto killed, a session is kept and a new sign-in says the service is unreachable', async () => {
  const user = await createUser(cfg, { password: 'Good-Pass-123' });
  const signedIn = await openPage(browser, 'moto-killed-session');
  await signedIn.page.goto(base);
  await signIn(signedIn.page, user);
  await signedIn.page.locator('#email-shown').waitFor(TIMEOUT);
  await signedIn.shot('signed-in');

  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && (await motoAnswers()); i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await motoAnswers(), false, 'moto still answers after SIGKILL');

  // The API needs no Cognito call (the gateway holds the keys), so the session carries on.
  await signedIn.page.reload();
  const shown = signedIn.page.locator('#email-shown');
  await shown.waitFor(TIMEOUT);
  assert.equal((await shown.textContent()).trim(), user.email);
  await signedIn.shot('session-kept');

  const anonymous = await openPage(browser, 'moto-killed-sign-in');
  await anonymous.page.goto(base);
  await signIn(anonymous.page, user);
  await anonymous.page.waitForFunction(() => document.querySelector('[role=alert]')?.textContent.trim(), null, TIMEOUT);
  assert.match(await anonymous.page.getByRole('alert').textContent(), /sign-in service is unreachable/);
  await anonymous.shot('unreachable');

  await signedIn.context.close();
  await anonymous.context.close();
});
