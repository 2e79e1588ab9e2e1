// The page's flows in headless Chromium against a running local stack: sign-in with SRP (no
// request carries the password), a wrong password, a disabled account, `auth_flow`
// "password", the new-password challenge, reload, sign-out (also while Cognito does not answer),
// a token refreshed before expiry or refused, an unreachable API or Cognito, a challenge the page does not answer (SMS_MFA),
// the new-password form fetched only when needed (and a fetch of it that fails), a missing
// config.json, the busy state, tokens kept for other tabs (and refreshed once between them,
// surviving a refresh token another tab spent), a configured client secret,
// the form on a phone with the keyboard, and the page's Content-Security-Policy. Screenshots go
// to artifacts/.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';

import {
  TIMEOUT,
  assertNoBreakage,
  base,
  config,
  createClientWithSecret,
  createUser,
  deleteClient,
  disableUser,
  expectAlert,
  expectEmail,
  fulfilCognito,
  launch,
  openPage,
  passwordPolicy,
  refreshWith,
  revokeToken,
  setPageClientFlows,
  signIn,
  signOutEverywhere,
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

/** Whether a request goes to the sign-in service (the emulated Cognito). */
const cognito = (url) => url.href.startsWith(new URL(cfg.cognito_endpoint).href);

/** The Cognito operation a request asks for (`InitiateAuth`, `GetTokensFromRefreshToken`, ...). */
const operation = (request) => request.headers()['x-amz-target']?.split('.').pop();

/** Whether a request asks Cognito to revoke a refresh token (what signing out sends). */
const revoking = (request) => request.headers()['x-amz-target']?.endsWith('.RevokeToken');

/** A promise and the function that settles it: a gate the test opens when it is ready. */
function gate() {
  let open;
  const opened = new Promise((resolve) => (open = resolve));
  return { opened, open };
}

/** Opens the page and waits for the sign-in form. */
async function open(name) {
  const opened = await openPage(browser, name);
  await opened.page.goto(base);
  await opened.page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  await opened.shot('form');
  return opened;
}

test('sign in shows the email the API returned, and no token text', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('sign-in');
  await signIn(page, user);
  await expectEmail(page, user.email);
  await shot('signed-in');
  const tokens = JSON.parse(await storedTokens(page));
  const html = await page.content();
  for (const token of [tokens.id_token, tokens.access_token, tokens.refresh_token]) {
    assert.ok(token && !html.includes(token), 'token text must never be rendered');
  }
  assertNoBreakage(errors);
  await context.close();
});

test('a wrong password is a plain sentence in a focused alert', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('wrong-password');
  await signIn(page, { email: user.email, password: 'Not-The-Password-1' });
  await expectAlert(page, /email or password is not right/);
  await shot('alert');
  assert.equal(await page.getByRole('button', { name: 'Sign in' }).isEnabled(), true);
  assert.equal(await storedTokens(page), null);
  assertNoBreakage(errors);
  await context.close();
});

test('the password never leaves the browser: SRP sends a proof, and no request carries the password', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors } = await open('srp');
  const sent = [];
  context.on('request', (request) => sent.push({ url: request.url(), body: request.postData() ?? '' }));
  await signIn(page, user);
  await expectEmail(page, user.email);
  const operations = sent.filter((r) => cognito(new URL(r.url))).map((r) => JSON.parse(r.body));
  assert.deepEqual(
    operations.map((o) => o.AuthFlow ?? o.ChallengeName),
    ['USER_SRP_AUTH', 'PASSWORD_VERIFIER'],
    'USER_SRP_AUTH, then the proof',
  );
  assert.match(operations[0].AuthParameters.SRP_A, /^[0-9a-f]{700,768}$/);
  for (const { url, body } of sent) {
    assert.ok(!body.includes(PASSWORD) && !url.includes(PASSWORD), `${url} carries the password`);
  }
  assertNoBreakage(errors);
  await context.close();
});

test('a disabled account is said so, not taken for a wrong password', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  await disableUser(cfg, user.email);
  const { context, page, errors } = await open('disabled');
  await signIn(page, user);
  await expectAlert(page, /account is disabled/);
  assert.equal(await storedTokens(page), null);
  assertNoBreakage(errors);
  await context.close();
});

test('auth_flow "password": refused by an SRP-only client with a sentence naming the key, and works where the client allows it', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await openPage(browser, 'password-flow');
  await configWith(context, { auth_flow: 'password' });
  await page.goto(base);
  await signIn(page, user);
  await expectAlert(page, /USER_PASSWORD_AUTH flow not enabled.*`auth_flow` in config\.json/);
  await shot('refused');
  const flows = await setPageClientFlows(cfg, ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
  try {
    const sent = page.waitForRequest((r) => operation(r) === 'InitiateAuth', TIMEOUT);
    await signIn(page, user);
    assert.equal(JSON.parse((await sent).postData()).AuthFlow, 'USER_PASSWORD_AUTH');
    await expectEmail(page, user.email);
  } finally {
    await setPageClientFlows(cfg, flows);
  }
  assertNoBreakage(errors);
  await context.close();
});

test('while signing in, the button says so and is disabled, and Enter again sends nothing more', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors } = await open('busy');
  // Hold Cognito's answer to the sign-in until the test has looked at the waiting page.
  const held = [];
  const { opened: released, open: release } = gate();
  await page.route(cognito, async (route) => {
    if (operation(route.request()) === 'InitiateAuth') {
      held.push(route);
      await released;
    }
    await route.continue();
  });
  await signIn(page, user);
  const waiting = page.getByRole('button', { name: 'Signing in…' });
  await waiting.waitFor(TIMEOUT);
  assert.equal(await waiting.isDisabled(), true);
  assert.equal(await page.locator('form').getAttribute('aria-busy'), 'true');
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForTimeout(200); // a second request, if Enter sent one, would be held by now
  assert.equal(held.length, 1, 'one InitiateAuth however often Enter is pressed');
  release();
  await expectEmail(page, user.email);
  assertNoBreakage(errors);
  await context.close();
});

test('a temporary password leads to the new-password form, checked before sending', async () => {
  const user = await createUser(cfg, {});
  const { context, page, errors, shot } = await open('new-password');
  await signIn(page, user);
  await page.getByLabel('New password', { exact: true }).waitFor(TIMEOUT);
  await shot('challenge');
  await page.getByLabel('New password', { exact: true }).fill('New-Pass-123');
  await page.getByLabel('Confirm new password', { exact: true }).fill('New-Pass-124');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expectAlert(page, /not the same/);
  await shot('mismatch');
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Confirm new password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Set new password' }).click();
  // The pool's rules, which configure put into config.json.
  await expectAlert(page, new RegExp(`at least ${(await passwordPolicy(cfg)).MinimumLength} characters`));
  await page.getByLabel('New password', { exact: true }).fill('New-Pass-123');
  await page.getByLabel('Confirm new password', { exact: true }).fill('New-Pass-123');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expectEmail(page, user.email);
  await shot('signed-in');
  assertNoBreakage(errors);
  await context.close();
});

test('the new-password form is fetched only when needed; if it cannot be, the page says so and keeps working', async () => {
  const user = await createUser(cfg, {});
  const { context, page, errors, shot } = await openPage(browser, 'on-demand');
  const onDemand = (url) => url.pathname.endsWith('.wasm') && !url.pathname.endsWith('_bg.wasm');
  const wasm = [];
  page.on('request', (request) => request.url().endsWith('.wasm') && wasm.push(new URL(request.url())));
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  // A first visit fetches the main module only.
  assert.equal(wasm.length, 1);
  assert.ok(!onDemand(wasm[0]), `${wasm[0]} is the main module`);
  await page.route(onDemand, (route) => route.abort('connectionrefused'));
  await signIn(page, user);
  await expectAlert(page, /could not be loaded/);
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  await shot('not-loaded');
  assert.equal(wasm.filter(onDemand).length, 1, `one on-demand module asked for: ${wasm}`);
  // Once the network is back, signing in again fetches it and the form works.
  await page.unroute(onDemand);
  await signIn(page, user);
  await page.getByLabel('New password', { exact: true }).fill('New-Pass-123');
  await page.getByLabel('Confirm new password', { exact: true }).fill('New-Pass-123');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expectEmail(page, user.email);
  assertNoBreakage(errors.filter((e) => !/could not be loaded|Failed to load|net::ERR/i.test(e)));
  await context.close();
});

test('a reload restores the session; sign-out clears it and the refresh token stops working', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('reload-sign-out');
  await signIn(page, user);
  await expectEmail(page, user.email);
  await page.reload();
  await expectEmail(page, user.email);
  await shot('reloaded');
  const refreshToken = JSON.parse(await storedTokens(page)).refresh_token;
  assert.deepEqual(await refreshWith(cfg, refreshToken), { status: 200, error: null }, 'it refreshes while signed in');
  const revoked = page.waitForResponse((response) => revoking(response.request()), TIMEOUT);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  assert.equal((await revoked).status(), 200);
  await shot('signed-out');
  assert.equal(await storedTokens(page), null);
  // Signing out revoked the refresh token at Cognito, not only on this device.
  assert.deepEqual(await refreshWith(cfg, refreshToken), { status: 400, error: 'NotAuthorizedException' });
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  assert.equal(await page.locator('#email-shown').count(), 0);
  assertNoBreakage(errors);
  await context.close();
});

test('signing out does not wait on revoking the token, nor need it to succeed', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors } = await open('sign-out-offline');
  await signIn(page, user);
  await expectEmail(page, user.email);
  // RevokeToken gets no answer at all; every other call goes through.
  await page.route(cognito, (route) => (revoking(route.request()) ? undefined : route.continue()));
  const revoke = page.waitForRequest(revoking, TIMEOUT);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  assert.equal(await storedTokens(page), null);
  await revoke; // asked for, still unanswered
  assertNoBreakage(errors);
  await context.close();
});

/** Serves the stack's config.json with `changes` applied, to a page or a whole context. */
async function configWith(target, changes) {
  const served = { ...cfg, ...changes };
  await target.route(
    (url) => url.pathname.endsWith('/config.json'),
    (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(served) }),
  );
}

test('token_storage "local" keeps the session for a new tab', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors } = await openPage(browser, 'local-storage');
  await configWith(context, { token_storage: 'local' });
  await page.goto(base);
  await signIn(page, user);
  await expectEmail(page, user.email);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'nothing in sessionStorage');
  assert.ok(JSON.parse(await page.evaluate(() => localStorage.getItem('cognito-whoami.tokens'))).refresh_token);
  const tab = await context.newPage();
  await tab.goto(base);
  await expectEmail(tab, user.email);
  assertNoBreakage(errors);
  await context.close();
});

test('an app client secret in config.json is used, and the page warns that it is public', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  // Cognito refuses a SECRET_HASH for a client without a secret: this test needs one with.
  const client = await createClientWithSecret(cfg);
  const { context, page, errors, shot } = await openPage(browser, 'client-secret');
  await configWith(context, { app_client_id: client.id, app_client_secret: client.secret });
  await page.goto(base);
  await page.getByText('which every visitor can read').waitFor(TIMEOUT);
  await shot('warning');
  const sent = [];
  page.on('request', (request) => {
    if (cognito(new URL(request.url()))) sent.push(JSON.parse(request.postData()));
  });
  const proofAccepted = page.waitForResponse((r) => operation(r.request()) === 'RespondToAuthChallenge', TIMEOUT);
  await signIn(page, user);
  assert.equal((await proofAccepted).status(), 200, 'Cognito checked both SECRET_HASHes and the proof');
  const [initiate, proof] = sent;
  // Cognito's SECRET_HASH: Base64(HMAC-SHA256(secret, username + client id)), over the email
  // to start, then over the name Cognito gave the user (USER_ID_FOR_SRP) for the proof.
  const hash = (name) => createHmac('sha256', client.secret).update(name + client.id).digest('base64');
  assert.equal(initiate.AuthFlow, 'USER_SRP_AUTH');
  assert.equal(initiate.AuthParameters.SECRET_HASH, hash(user.email));
  assert.equal(proof.ChallengeName, 'PASSWORD_VERIFIER');
  assert.notEqual(proof.ChallengeResponses.USERNAME, user.email, 'the proof names the user as Cognito does');
  assert.equal(proof.ChallengeResponses.SECRET_HASH, hash(proof.ChallengeResponses.USERNAME));
  assert.ok(!JSON.stringify(sent).includes(client.secret), 'the secret itself is not sent');
  assertNoBreakage(errors);
  await context.close();
  await deleteClient(cfg, client.id);
});

test('an ID token about to expire is refreshed before the API call', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('refresh');
  await signIn(page, user);
  await expectEmail(page, user.email);
  // The page compares the token's real `exp` with its clock: moving the browser's clock 56
  // minutes ahead makes the token expire within five minutes, without touching it.
  await page.clock.install({ time: Date.now() + 56 * 60 * 1000 });
  const refreshes = [];
  page.on('response', (response) => {
    if (operation(response.request()) === 'GetTokensFromRefreshToken') refreshes.push(response);
  });
  const before = JSON.parse(await storedTokens(page));
  await page.reload();
  await expectEmail(page, user.email);
  await shot('refreshed');
  assert.equal(refreshes.length, 1, 'one GetTokensFromRefreshToken');
  const answer = (await refreshes[0].json()).AuthenticationResult;
  const after = JSON.parse(await storedTokens(page));
  assert.equal(after.id_token, answer.IdToken, 'the new ID token is stored');
  // With rotation (AWS) the answer's new refresh token replaces the spent one; without it
  // (the local emulator) the refresh token is kept.
  assert.equal(after.refresh_token, answer.RefreshToken ?? before.refresh_token);
  assertNoBreakage(errors);
  await context.close();
});

const TOKENS_KEY = 'cognito-whoami.tokens';

/** Writes the tokens every tab shares (token_storage "local"), as another tab would. */
async function storeShared(page, tokens) {
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [TOKENS_KEY, JSON.stringify(tokens)]);
}

/** An unsigned ID token whose `exp` has passed: the page reads `exp` without verifying it, so
 * a page holding this refreshes before calling the API (and never sends it). */
function expiredIdToken() {
  const part = (claims) => Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k' })}.${part({ exp: 1 })}.c2ln`;
}

test('tabs that share tokens refresh once between them: one refreshes, the other waits and uses its tokens', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors } = await openPage(browser, 'two-tabs');
  await configWith(context, { token_storage: 'local' });
  await page.goto(base);
  await signIn(page, user);
  await expectEmail(page, user.email);
  await storeShared(page, { ...JSON.parse(await storedTokens(page)), id_token: expiredIdToken() });
  // The first refresh is held until the other tab is waiting for the refresh lock, so that the
  // two tabs truly need a refresh at the same time.
  const refreshes = [];
  const { opened: released, open: release } = gate();
  await context.route(cognito, async (route) => {
    if (operation(route.request()) === 'GetTokensFromRefreshToken') {
      refreshes.push(route.request());
      if (refreshes.length === 1) await released;
    }
    await route.continue();
  });
  const tab = await context.newPage();
  await Promise.all([page.reload(), tab.goto(base)]);
  await tab.waitForFunction(
    async () => {
      const { held, pending } = await navigator.locks.query();
      return held.length === 1 && pending.length === 1;
    },
    null,
    TIMEOUT,
  );
  release();
  await expectEmail(page, user.email);
  await expectEmail(tab, user.email);
  assert.equal(refreshes.length, 1, 'one GetTokensFromRefreshToken for both tabs');
  assertNoBreakage(errors);
  await context.close();
});

test('a refresh token another tab spent does not sign this tab out: it takes the tokens that tab stored', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await openPage(browser, 'spent-refresh-token');
  await configWith(context, { token_storage: 'local' });
  await page.goto(base);
  await signIn(page, user);
  await expectEmail(page, user.email);
  const first = JSON.parse(await storedTokens(page));
  // Another session of the same user gives a second refresh token (what a rotation gives).
  const other = await open('spent-refresh-token-other');
  await signIn(other.page, user);
  await expectEmail(other.page, user.email);
  const second = JSON.parse(await storedTokens(other.page));
  await other.context.close();

  await storeShared(page, { ...first, id_token: expiredIdToken() });
  // This tab's refresh with the first token is held while "another tab" rotates: it stores
  // its new tokens, and the first refresh token is spent.
  const sent = [];
  const { opened: firstArrived, open: arrived } = gate();
  const { opened: released, open: release } = gate();
  await context.route(cognito, async (route) => {
    if (operation(route.request()) === 'GetTokensFromRefreshToken') {
      sent.push(JSON.parse(route.request().postData()).RefreshToken);
      if (sent.length === 1) {
        arrived();
        await released;
      }
    }
    await route.continue();
  });
  await page.reload();
  await firstArrived;
  await storeShared(page, { ...second, id_token: expiredIdToken() });
  await revokeToken(cfg, first.refresh_token);
  release();
  await expectEmail(page, user.email);
  await shot('still-signed-in');
  assert.deepEqual(sent, [first.refresh_token, second.refresh_token], 'refused, then the stored token');
  assert.equal(JSON.parse(await storedTokens(page)).refresh_token, second.refresh_token);
  assert.equal((await page.locator('#alert').textContent()).trim(), '', 'no error shown');
  assertNoBreakage(errors);
  await context.close();
});

test('a refresh token revoked elsewhere ends the session: said so, tokens gone, form back', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('revoked');
  await signIn(page, user);
  await expectEmail(page, user.email);
  await signOutEverywhere(cfg, user.email);
  // As in the refresh test: the ID token now expires within five minutes, so the reload
  // refreshes first, and Cognito refuses the revoked refresh token (a definitive answer).
  await page.clock.install({ time: Date.now() + 56 * 60 * 1000 });
  await page.reload();
  await expectAlert(page, /session has ended/);
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  await shot('ended');
  assert.equal(await storedTokens(page), null);
  assertNoBreakage(errors);
  await context.close();
});

test('an unreachable API keeps the session and offers to retry', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('api-unreachable');
  await signIn(page, user);
  await expectEmail(page, user.email);
  const api = new URL(cfg.api_url);
  const blocked = (url) => url.href.startsWith(api.href);
  await page.route(blocked, (route) => route.abort('connectionrefused'));
  await page.reload();
  await expectAlert(page, /API is unreachable/);
  await shot('unreachable');
  assert.notEqual(await storedTokens(page), null, 'the session is kept');
  await page.unroute(blocked);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expectEmail(page, user.email);
  await shot('recovered');
  assertNoBreakage(errors);
  await context.close();
});

test('an unreachable sign-in service is said so', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('cognito-unreachable');
  await page.route(cognito, (route) => route.abort('connectionrefused'));
  await signIn(page, user);
  await expectAlert(page, /sign-in service is unreachable/);
  await shot('alert');
  assertNoBreakage(errors);
  await context.close();
});

test('a sign-in step the page does not handle (a text-message code) is named in a plain sentence', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('sms-mfa');
  // What Cognito answers for a user whose factor is a text message (the page handles apps only).
  await page.route(cognito, (route) =>
    fulfilCognito(route, { ChallengeName: 'SMS_MFA', Session: 'session', ChallengeParameters: {} }),
  );
  await signIn(page, user);
  await expectAlert(page, /needs a sign-in step that this page does not handle yet \(SMS_MFA\)/);
  await shot('alert');
  assert.equal(await storedTokens(page), null, 'no tokens without a finished sign-in');
  assert.ok(await page.getByRole('button', { name: 'Sign in' }).isEnabled(), 'the form can be used again');
  assertNoBreakage(errors);
  await context.close();
});

test('on a phone: the form fits, every field is labelled, Tab goes email, password, button, with focus shown', async () => {
  const phone = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  const { context, page, errors, shot } = await openPage(browser, 'phone', phone);
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  await shot('form');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input')].filter((i) => i.labels.length === 0).map((i) => i.name),
  );
  assert.deepEqual(unlabelled, [], 'every field has a label');
  for (const control of [page.getByLabel('Email', { exact: true }), page.getByRole('button', { name: 'Sign in' })]) {
    const { height } = await control.boundingBox();
    assert.ok(height >= 44, `a touch target at least 44 px tall, not ${height}`);
  }
  // What has the keyboard focus, by its label or text, and whether the focus can be seen.
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const shown = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const name = (el.labels?.[0]?.textContent ?? el.textContent).trim().slice(0, 40);
      return `${name}${shown ? '' : ' (focus not shown)'}`;
    });
  await page.getByLabel('Email', { exact: true }).focus();
  const order = [await focused()];
  for (let i = 0; i < 2; i += 1) {
    await page.keyboard.press('Tab');
    order.push(await focused());
  }
  assert.deepEqual(order, ['Email', 'Password', 'Sign in']);
  assertNoBreakage(errors);
  await context.close();
});

test('a missing config.json gives a page that says so', async () => {
  const { context, page, errors, shot } = await openPage(browser, 'no-config');
  await page.route((url) => url.pathname.endsWith('/config.json'), (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto(base);
  await page.getByText('This page is not set up').waitFor(TIMEOUT);
  assert.match(await page.getByRole('alert').textContent(), /config\.json.*HTTP 404/);
  await shot('message');
  assertNoBreakage(errors);
  await context.close();
});

test('the page runs only its own script and style: others, inline or from this site, are refused', async () => {
  const { context, page, errors } = await open('policy');
  const refused = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const add = (tag, props) => document.body.append(Object.assign(document.createElement(tag), props));
    add('script', { textContent: 'window.__injected = true;' });
    add('script', { src: '/injected.js' });
    add('style', { textContent: 'body { display: none; }' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { violations: violations.sort(), injected: window.__injected === true };
  });
  assert.equal(refused.injected, false, 'an injected inline script ran');
  assert.deepEqual(refused.violations, ['script-src-elem', 'script-src-elem', 'style-src-elem']);
  assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible(), 'an injected style applied');
  // The refusals are the only policy errors: the page's own script and style ran.
  assert.equal(errors.filter((e) => /Content.Security.Policy/i.test(e)).length, 3);
  await context.close();
});
