// What users do for themselves, in headless Chromium against a running local stack: reset a
// forgotten password with the code the emulator emailed (a wrong code refused, an unknown
// email answered alike), the pool's password rules shown, change the password while signed
// in, and sign out on every device (another browser's session ends at its next refresh); no
// "Create account" where the pool does not allow it (sign-up itself: ../sign-up/); each form
// on a phone with the keyboard. Screenshots go to artifacts/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  TIMEOUT,
  assertNoBreakage,
  assertUsableOnPhone,
  atSignIn,
  config,
  createUser,
  emailedCode,
  emailsTo,
  expectAlert,
  expectEmail,
  expectNotice,
  launch,
  openOnPhone,
  openPage,
  otherThan,
  passwordPolicy,
  signIn,
  storedTokens,
} from '../lib.js';

let browser;
let cfg;

before(async () => {
  cfg = await config();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const PASSWORD = 'Good-Pass-123';

/** Whether `password` signs `email` in, in a browser context of its own. */
async function signsIn(email, password) {
  const { context, page } = await atSignIn(await openPage(browser, 'check'));
  await signIn(page, { email, password });
  const outcome = await Promise.race([
    page.locator('#email-shown').waitFor(TIMEOUT).then(() => true),
    page.waitForFunction(() => document.querySelector('[role=alert]')?.textContent.trim(), null, TIMEOUT).then(() => false),
  ]);
  await context.close();
  return outcome;
}

/** The sentence the page should show for the pool's password policy, as DescribeUserPool says it. */
function describe(policy) {
  const kinds = [
    [policy.RequireLowercase, 'a lowercase letter'],
    [policy.RequireUppercase, 'an uppercase letter'],
    [policy.RequireNumbers, 'a digit'],
    [policy.RequireSymbols, 'a symbol'],
  ].filter(([required]) => required).map(([, kind]) => kind);
  const listed = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}` : kinds[0];
  return `At least ${policy.MinimumLength} characters${listed ? `, with ${listed}` : ''}.`;
}

test('a forgotten password is reset with the emailed code: a wrong code is refused, the new password signs in, the old one no longer does', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await atSignIn(await openPage(browser, 'forgot-password'));
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  await shot('email');
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code from the email').waitFor(TIMEOUT);
  await expectNotice(page, new RegExp(`If an account uses ${user.email.replace(/[.+]/g, '\\$&')}, a code is on its way`));
  // The rules shown are the deployed pool's, through configure's config.json.
  assert.equal((await page.locator('#policy').textContent()).trim(), describe(await passwordPolicy(cfg)));
  await shot('code');
  const code = await emailedCode(cfg, user.email);
  const renewed = 'Reset-Pass-4567';
  await page.getByLabel('Code from the email').fill(otherThan(code));
  await page.getByLabel('New password', { exact: true }).fill(renewed);
  await page.getByLabel('Confirm new password').fill(renewed);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expectAlert(page, /That code is not right/);
  await shot('wrong-code');
  await page.getByLabel('Code from the email').fill(code);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expectEmail(page, user.email);
  await shot('signed-in');
  assertNoBreakage(errors);
  await context.close();
  assert.equal(await signsIn(user.email, PASSWORD), false, 'the old password no longer signs in');
  assert.equal(await signsIn(user.email, renewed), true, 'the new password signs in');
});

test('a reset for an unknown email is answered as for a known one, and "Resend the code" sends another', async () => {
  const { context, page, errors } = await atSignIn(await openPage(browser, 'forgot-unknown'));
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  const nobody = `nobody-${Date.now()}@example.com`;
  await page.getByLabel('Email', { exact: true }).fill(nobody);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code from the email').waitFor(TIMEOUT);
  await expectNotice(page, /If an account uses .*, a code is on its way/);
  assert.equal((await emailsTo(cfg, nobody)).length, 0, 'no email to an address with no account');
  await context.close();

  const user = await createUser(cfg, { password: PASSWORD });
  const known = await atSignIn(await openPage(browser, 'forgot-resend'));
  await known.page.getByRole('button', { name: 'Forgot your password?' }).click();
  await known.page.getByLabel('Email', { exact: true }).fill(user.email);
  await known.page.getByRole('button', { name: 'Send code' }).click();
  await known.page.getByLabel('Code from the email').waitFor(TIMEOUT);
  assert.equal((await emailsTo(cfg, user.email)).length, 1);
  await known.page.getByRole('button', { name: 'Resend the code' }).click();
  await expectNotice(known.page, /A new code is on its way/);
  assert.equal((await emailsTo(cfg, user.email)).length, 2, 'a second email');
  await known.page.getByRole('button', { name: 'Back to sign in' }).click();
  await known.page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  assertNoBreakage([...errors, ...known.errors]);
  await known.context.close();
});

test('change password: a wrong current password is refused, then the new one is set and the session goes on', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await atSignIn(await openPage(browser, 'change-password'));
  await signIn(page, user);
  await expectEmail(page, user.email);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByLabel('Current password').waitFor(TIMEOUT);
  await shot('form');
  const renewed = 'Changed-Pass-789';
  await page.getByLabel('Current password').fill('Not-The-Pass-1');
  await page.getByLabel('New password', { exact: true }).fill(renewed);
  await page.getByLabel('Confirm new password').fill(renewed);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectAlert(page, /current password is not right/);
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Confirm new password').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectAlert(page, /at least \d+ characters/);
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill(renewed);
  await page.getByLabel('Confirm new password').fill(renewed);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectNotice(page, /Your password is changed/);
  await expectEmail(page, user.email);
  await shot('changed');
  const tokens = await storedTokens(page);
  await page.reload();
  await expectEmail(page, user.email);
  assert.equal(await storedTokens(page), tokens, 'the same session after a reload');
  assertNoBreakage(errors);
  await context.close();
  assert.equal(await signsIn(user.email, PASSWORD), false, 'the old password no longer signs in');
  assert.equal(await signsIn(user.email, renewed), true, 'the new password signs in');
});

test('sign out everywhere: this page signs out, and another browser\'s session ends at its next refresh', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const here = await atSignIn(await openPage(browser, 'everywhere-here'));
  const there = await atSignIn(await openPage(browser, 'everywhere-there'));
  await signIn(here.page, user);
  await signIn(there.page, user);
  await expectEmail(here.page, user.email);
  await expectEmail(there.page, user.email);
  await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expectNotice(here.page, /signed out on every device/);
  await here.page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  assert.equal(await storedTokens(here.page), null, 'no tokens kept here');
  await here.shot('signed-out');
  // The other browser renews its tokens when its ID token is about to expire: moving its
  // clock 56 minutes ahead makes the next load do that, and the revoked refresh token fails.
  await there.page.clock.install({ time: Date.now() + 56 * 60 * 1000 });
  await there.page.reload();
  await expectAlert(there.page, /Your session has ended/);
  await there.page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  await there.shot('ended');
  assertNoBreakage([...here.errors, ...there.errors]);
  await here.context.close();
  await there.context.close();
});

test('no "Create account" where the pool does not allow sign-up', async () => {
  assert.notEqual(cfg.sign_up, true, 'this stack\'s pool is deployed without self sign-up');
  const { context, page } = await atSignIn(await openPage(browser, 'no-sign-up'));
  await page.getByRole('button', { name: 'Forgot your password?' }).waitFor(TIMEOUT);
  assert.equal(await page.getByRole('button', { name: 'Create account' }).count(), 0);
  await context.close();
});

test('on a phone, with the keyboard: the reset and change-password forms', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await atSignIn(await openOnPhone(browser, 'self-service-phone'));
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  await page.waitForFunction(() => document.activeElement?.id === 'reset-email', null, TIMEOUT);
  await assertUsableOnPhone(page, ['Email', 'Send code', 'Back to sign in']);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Email', { exact: true }).press('Enter');
  await page.getByLabel('Code from the email').waitFor(TIMEOUT);
  await page.waitForFunction(() => document.activeElement?.id === 'code', null, TIMEOUT);
  await shot('code');
  await assertUsableOnPhone(page, [
    'Code from the email',
    'New password',
    'Confirm new password',
    'Reset password',
    'Resend the code',
    'Back to sign in',
  ]);
  await page.getByRole('button', { name: 'Back to sign in' }).click();
  await signIn(page, user);
  await expectEmail(page, user.email);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'current-password', null, TIMEOUT);
  await shot('change');
  await assertUsableOnPhone(page, ['Current password', 'New password', 'Confirm new password', 'Change password', 'Cancel']);
  assertNoBreakage(errors);
  await context.close();
});
