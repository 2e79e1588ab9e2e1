// Multi-factor sign-in with an authenticator app, in headless Chromium against a running local
// stack whose pool has MFA optional with authenticator apps (template.yaml's default): a user
// sets an app up from the page (codes computed here from the key the page showed, by npm's
// otpauth, as an app would), signs out, is asked for a code at sign-in, is refused a wrong one,
// and turns it off again; the set-up screen on a phone with the keyboard; and the answers the
// emulator never gives (MFA_SETUP when the pool requires a factor, SELECT_MFA_TYPE), played
// from AWS's documented shapes. Screenshots go to artifacts/.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as OTPAuth from 'otpauth';

import {
  TIMEOUT,
  assertNoBreakage,
  assertUsableOnPhone,
  atSignIn,
  base,
  config,
  createUser,
  expectAlert,
  expectEmail,
  expectNotice,
  fulfilCognito,
  launch,
  openOnPhone,
  openPage,
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
const CODE_FIELD = 'Code from your authenticator app';

/** An authenticator app holding `base32`, as the user's phone would. */
function app(base32) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32), digits: 6, period: 30, algorithm: 'SHA1' });
}

/** Six digits the app does not show now, nor one step either side. */
function wrongCode(totp) {
  const near = [-30_000, 0, 30_000].map((shift) => totp.generate({ timestamp: Date.now() + shift }));
  for (let n = 0; ; n += 1) {
    const code = String(n).padStart(6, '0');
    if (!near.includes(code)) return code;
  }
}

/** Opens the signed-in user's multi-factor settings and waits until they are read. */
async function openSettings(page) {
  await page.getByRole('button', { name: 'Multi-factor sign-in' }).click();
  await page.locator('#mfa-state').waitFor(TIMEOUT);
  return (await page.locator('#mfa-state').textContent()).trim();
}

/** On the set-up screen: waits for the key and returns the app that holds it. */
async function keyShown(page) {
  const key = page.locator('#totp-secret');
  await key.waitFor(TIMEOUT);
  const grouped = (await key.textContent()).trim();
  assert.match(grouped, /^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/, 'base32 in groups of four');
  return { base32: grouped.replaceAll(' ', ''), grouped };
}

test('a user sets up an authenticator app, is asked for its code at sign-in, is refused a wrong one, and turns it off', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await atSignIn(await openPage(browser, 'mfa-set-up'));
  await signIn(page, user);
  await expectEmail(page, user.email);

  assert.match(await openSettings(page), /^Off/);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const { base32 } = await keyShown(page);
  await shot('set-up');
  // The QR code and the link carry the same key, labelled with the page's host and the email.
  assert.equal(await page.locator('.qr svg path').count() > 0, true, 'a QR code is drawn');
  const link = new URL(await page.locator('#otpauth-link').getAttribute('href'));
  const host = new URL(base).host;
  assert.equal(link.protocol, 'otpauth:');
  assert.equal(link.host, 'totp');
  assert.equal(decodeURIComponent(link.pathname), `/${host}:${user.email}`);
  assert.equal(link.searchParams.get('secret'), base32);
  assert.equal(link.searchParams.get('issuer'), host);
  const totp = app(base32);

  // The first code proves the app holds the key; a wrong one turns nothing on.
  const field = page.getByLabel(CODE_FIELD, { exact: true });
  assert.equal(await field.getAttribute('inputmode'), 'numeric');
  assert.equal(await field.getAttribute('autocomplete'), 'one-time-code');
  await field.fill('12345');
  await field.press('Enter');
  await expectAlert(page, /Enter the 6-digit code/);
  await field.fill(wrongCode(totp));
  await field.press('Enter');
  await expectAlert(page, /That code is not right/);
  await field.fill(totp.generate());
  await field.press('Enter');
  await expectNotice(page, /Multi-factor sign-in is on/);
  await page.waitForFunction(() => /^On/.test(document.querySelector('#mfa-state')?.textContent ?? ''), null, TIMEOUT);
  await shot('on');

  // Signed out, the password alone no longer signs in: the code form comes next.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signIn(page, user);
  const code = page.getByLabel(CODE_FIELD, { exact: true });
  await code.waitFor(TIMEOUT);
  assert.equal(await storedTokens(page), null, 'no tokens before the code');
  await shot('asked');
  await code.fill(wrongCode(totp));
  await code.press('Enter');
  await expectAlert(page, /That code is not right/);
  assert.ok(await code.isVisible(), 'another try while the session lasts');
  await code.fill(totp.generate());
  await code.press('Enter');
  await expectEmail(page, user.email);

  // Turned off, the password alone signs in again.
  assert.match(await openSettings(page), /^On/);
  await page.getByRole('button', { name: 'Turn off' }).click();
  await expectNotice(page, /Multi-factor sign-in is off/);
  assert.match((await page.locator('#mfa-state').textContent()).trim(), /^Off/);
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signIn(page, user);
  await expectEmail(page, user.email);
  assertNoBreakage(errors);
  await context.close();
});

test('the set-up screen on a phone: it fits, every field is labelled, and the keyboard reaches the code and its buttons', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await atSignIn(await openOnPhone(browser, 'mfa-phone'));
  await signIn(page, user);
  await expectEmail(page, user.email);
  await openSettings(page);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await keyShown(page);
  await shot('set-up');
  // The code field has the focus once the key is shown, so the user types at once.
  await page.waitForFunction(() => document.activeElement?.id === 'app-code', null, TIMEOUT);
  assert.ok(await page.evaluate(() => document.querySelector('.qr svg').getBoundingClientRect().right <= window.innerWidth));
  await assertUsableOnPhone(page, [CODE_FIELD, 'Turn on', 'Cancel']);
  // Cancel leaves MFA off.
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.match((await page.locator('#mfa-state').textContent()).trim(), /^Off/);
  assertNoBreakage(errors);
  await context.close();
});

/** A stored answer of Cognito's (shared/tests/data/cognito/). */
function stored(name) {
  return readFileSync(join(import.meta.dirname, '../../shared/tests/data/cognito', name), 'utf8');
}

/**
 * Plays a pool that requires MFA for a user without a factor, which the emulator never does
 * (ARCHITECTURE.md, "The local AWS"): the real sign-in's proof is answered with the documented
 * MFA_SETUP challenge, the set-up calls with answers of Cognito's shape, and the final answer
 * with the tokens the emulator gave for the proof. Records every call's target and body.
 */
async function requireMfaSetUp(page, key) {
  const calls = [];
  let tokens = null;
  const mfaSetup = JSON.parse(stored('respond_to_auth_challenge_mfa_setup.response.json'));
  await page.route(cfg.cognito_endpoint, async (route) => {
    const target = route.request().headers()['x-amz-target']?.split('.')[1];
    const body = JSON.parse(route.request().postData() ?? '{}');
    calls.push({ target, body });
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'PASSWORD_VERIFIER') {
      const response = await route.fetch();
      tokens = await response.text();
      return fulfilCognito(route, mfaSetup);
    }
    if (target === 'AssociateSoftwareToken') return fulfilCognito(route, { SecretCode: key, Session: 'session-after-associate' });
    if (target === 'VerifySoftwareToken') {
      const right = app(key).validate({ token: body.UserCode, window: 1 }) !== null;
      if (!right) return fulfilCognito(route, { __type: 'EnableSoftwareTokenMFAException', message: 'Code mismatch' }, 400);
      return fulfilCognito(route, { Status: 'SUCCESS', Session: 'session-after-verify' });
    }
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'MFA_SETUP') return fulfilCognito(route, tokens);
    return route.continue();
  });
  return { calls, mfaSetup };
}

test('a pool that requires MFA: the set-up runs inside the sign-in, carrying each session, then the user is in', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await atSignIn(await openPage(browser, 'mfa-required'));
  const key = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const { calls, mfaSetup } = await requireMfaSetUp(page, key);
  await signIn(page, user);
  await expectNotice(page, /must sign in with a code from an authenticator app/);
  const { base32 } = await keyShown(page);
  assert.equal(base32, key);
  const link = new URL(await page.locator('#otpauth-link').getAttribute('href'));
  assert.ok(decodeURIComponent(link.pathname).endsWith(`:${user.email}`), 'labelled with the email typed, not the id');
  await shot('set-up');
  const field = page.getByLabel(CODE_FIELD, { exact: true });
  await field.fill(wrongCode(app(key)));
  await field.press('Enter');
  await expectAlert(page, /That code is not right/);
  await field.fill(app(key).generate());
  await field.press('Enter');
  await expectEmail(page, user.email);

  const [associate] = calls.filter((c) => c.target === 'AssociateSoftwareToken');
  assert.deepEqual(associate.body, { Session: mfaSetup.Session }, "the challenge's session, no access token");
  const verifies = calls.filter((c) => c.target === 'VerifySoftwareToken');
  assert.equal(verifies.at(-1).body.Session, 'session-after-associate');
  const [finish] = calls.filter((c) => c.body.ChallengeName === 'MFA_SETUP');
  assert.equal(finish.body.Session, 'session-after-verify');
  assert.equal(finish.body.ChallengeResponses.USERNAME, mfaSetup.ChallengeParameters.USER_ID_FOR_SRP);
  assertNoBreakage(errors);
  await context.close();
});

test('a pool offering several factors: the page chooses the authenticator app and asks for its code', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors } = await atSignIn(await openPage(browser, 'mfa-select'));
  const key = 'JBSWY3DPEHPK3PXP';
  const calls = [];
  let tokens = null;
  await page.route(cfg.cognito_endpoint, async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}');
    calls.push(body);
    if (body.ChallengeName === 'PASSWORD_VERIFIER') {
      tokens = await (await route.fetch()).text();
      // SELECT_MFA_TYPE as AWS documents it: the choices as a JSON array in a string.
      return fulfilCognito(route, {
        ChallengeName: 'SELECT_MFA_TYPE',
        Session: 'session-select',
        ChallengeParameters: { MFAS_CAN_CHOOSE: '["SMS_MFA","SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: body.ChallengeResponses.USERNAME },
      });
    }
    if (body.ChallengeName === 'SELECT_MFA_TYPE') {
      return fulfilCognito(route, { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'session-code', ChallengeParameters: {} });
    }
    if (body.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      const right = app(key).validate({ token: body.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, window: 1 }) !== null;
      return right ? fulfilCognito(route, tokens) : fulfilCognito(route, stored('error_code_mismatch.json'), 400);
    }
    return route.continue();
  });
  await signIn(page, user);
  const field = page.getByLabel(CODE_FIELD, { exact: true });
  await field.waitFor(TIMEOUT);
  await field.fill(app(key).generate());
  await field.press('Enter');
  await expectEmail(page, user.email);
  const select = calls.find((c) => c.ChallengeName === 'SELECT_MFA_TYPE');
  assert.equal(select.ChallengeResponses.ANSWER, 'SOFTWARE_TOKEN_MFA');
  assert.equal(select.Session, 'session-select');
  assert.equal(calls.find((c) => c.ChallengeName === 'SOFTWARE_TOKEN_MFA').Session, 'session-code');
  assertNoBreakage(errors);
  await context.close();
});
