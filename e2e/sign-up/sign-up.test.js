// Signing up, in headless Chromium against a local stack whose pool allows it (`whoami-local
// --self-sign-up`, which `cargo xtask test` starts for this directory; `cargo xtask dev
// --self-sign-up` by hand): "Create account", the emailed code (a wrong one refused), then
// signed in with the API's answer; an account left unconfirmed is offered the code form at
// sign-in, with a new code on request. Screenshots go to artifacts/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  TIMEOUT,
  assertNoBreakage,
  assertUsableOnPhone,
  atSignIn,
  config,
  emailedCode,
  emailsTo,
  expectAlert,
  expectEmail,
  expectNotice,
  launch,
  openOnPhone,
  openPage,
  otherThan,
  signIn,
} from '../lib.js';

let browser;
let cfg;

before(async () => {
  cfg = await config();
  assert.equal(cfg.sign_up, true, 'these tests need a stack deployed with self sign-up (whoami-local --self-sign-up)');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const PASSWORD = 'Signed-Up-123';

let counter = 0;
function newEmail() {
  counter += 1;
  return `sign-up-${process.pid}-${Date.now()}-${counter}@example.com`;
}

async function fillSignUp(page, email) {
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Code from the email').waitFor(TIMEOUT);
}

test('a new user signs up, a wrong code is refused, the emailed code confirms the account and signs them in', async () => {
  const email = newEmail();
  const { context, page, errors, shot } = await atSignIn(await openPage(browser, 'sign-up'));
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectAlert(page, /at least \d+ characters/);
  await page.getByRole('button', { name: 'Back to sign in' }).click();
  await fillSignUp(page, email);
  await expectNotice(page, /We emailed a code to/);
  await shot('code');
  const code = await emailedCode(cfg, email);
  await page.getByLabel('Code from the email').fill(otherThan(code));
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await expectAlert(page, /That code is not right/);
  await page.getByLabel('Code from the email').fill(code);
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await expectEmail(page, email);
  await shot('signed-in');
  assertNoBreakage(errors);
  await context.close();
});

test('signing up with an email that has an account says so', async () => {
  const email = newEmail();
  const first = await atSignIn(await openPage(browser, 'sign-up-twice-1'));
  await fillSignUp(first.page, email);
  await first.context.close();
  const { context, page, errors } = await atSignIn(await openPage(browser, 'sign-up-twice-2'));
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectAlert(page, /already exists/);
  assertNoBreakage(errors);
  await context.close();
});

test('an account left unconfirmed is offered the code form at sign-in, and a new code confirms it', async () => {
  const email = newEmail();
  const first = await atSignIn(await openPage(browser, 'unconfirmed-1'));
  await fillSignUp(first.page, email);
  await first.context.close();
  const { context, page, errors, shot } = await atSignIn(await openOnPhone(browser, 'unconfirmed-2'));
  await signIn(page, { email, password: PASSWORD });
  await page.getByLabel('Code from the email').waitFor(TIMEOUT);
  await expectNotice(page, /not confirmed yet/);
  await page.waitForFunction(() => document.activeElement?.id === 'code', null, TIMEOUT);
  await shot('offered');
  await assertUsableOnPhone(page, ['Code from the email', 'Confirm account', 'Resend the code', 'Back to sign in']);
  await page.getByRole('button', { name: 'Resend the code' }).click();
  await expectNotice(page, /A new code is on its way/);
  assert.equal((await emailsTo(cfg, email)).length, 2, 'the sign-up email and the new one');
  await page.getByLabel('Code from the email').fill(await emailedCode(cfg, email));
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await expectEmail(page, email);
  assertNoBreakage(errors);
  await context.close();
});

test('on a phone, with the keyboard: the sign-up form', async () => {
  const { context, page, errors } = await atSignIn(await openOnPhone(browser, 'sign-up-phone'));
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'sign-up-email', null, TIMEOUT);
  await assertUsableOnPhone(page, ['Email', 'Password', 'Confirm password', 'Create account', 'Back to sign in']);
  assertNoBreakage(errors);
  await context.close();
});
