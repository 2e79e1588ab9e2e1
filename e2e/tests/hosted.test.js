// Signing in on the pool's hosted sign-in page (issue 18) in headless Chromium against a running
// local stack, whose emulator serves /oauth2/authorize (its own login form), /oauth2/token (PKCE
// checked, each code spent once) and /logout: "Sign in with" there and back with the email
// shown and no code left in the address; a tampered `state`, a reused code and an error in the
// redirect each refused with a sentence; sign-out going through the hosted page's /logout; a
// session from there refreshed at the token endpoint; `sign_in` "hosted" and "direct"; a
// client secret sent as HTTP Basic.
// Screenshots go to artifacts/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  TIMEOUT,
  assertNoBreakage,
  atHostedForm,
  atSignIn,
  base,
  config,
  createHostedClientWithSecret,
  createUser,
  deleteClient,
  expectAlert,
  expectEmail,
  hostedLink,
  launch,
  openPage,
  signInOnHostedPage,
  storedTokens,
} from '../lib.js';

let browser;
let cfg;

before(async () => {
  cfg = await config();
  if (!cfg.hosted_ui_domain) throw new Error('config.json has no hosted_ui_domain: these tests need the local stack');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const PASSWORD = 'Good-Pass-123';

/** Whether a request goes to the hosted page's token endpoint. */
const tokenEndpoint = (url) => url.href === `${cfg.hosted_ui_domain}oauth2/token`;

/** A request's form body as an object. */
const formOf = (request) => Object.fromEntries(new URLSearchParams(request.postData() ?? ''));

/** Opens the page at its sign-in form, recording every request the context makes. */
async function open(name) {
  const opened = await atSignIn(await openPage(browser, name));
  const sent = [];
  opened.context.on('request', (request) => sent.push(request));
  return { ...opened, sent };
}

/** The page's own address: what it gives as the redirect and sign-out URI. */
const pageUrl = () => new URL(base).href;

test('"Sign in with" goes to the hosted page, signs in there, comes back and shows the email; no code stays in the address', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot, sent } = await open('hosted-sign-in');
  // Beside the page's own form, after it in the tab order.
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  assert.match(await hostedLink(page).textContent(), /^Sign in with single sign-on$/);
  await shot('form');
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await shot('hosted-form');
  const authorize = new URL(page.url());
  const asked = Object.fromEntries(authorize.searchParams);
  assert.equal(asked.response_type, 'code');
  assert.equal(asked.client_id, cfg.app_client_id);
  assert.equal(asked.redirect_uri, pageUrl());
  assert.equal(asked.scope, 'openid email');
  assert.equal(asked.code_challenge_method, 'S256');
  assert.match(asked.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(asked.state, /^[A-Za-z0-9_-]{43}$/);

  await signInOnHostedPage(page, user);
  await expectEmail(page, user.email);
  await shot('signed-in');
  // Back at the page, the code and state are gone from the address bar.
  assert.equal(page.url(), pageUrl());
  const back = sent.find((r) => r.isNavigationRequest() && new URL(r.url()).searchParams.has('code'));
  assert.equal(new URL(back.url()).searchParams.get('state'), asked.state, 'the state came back');
  // The code was redeemed once, with the verifier whose S256 challenge went out.
  const redeemed = sent.filter((r) => tokenEndpoint(new URL(r.url())));
  assert.equal(redeemed.length, 1);
  const form = formOf(redeemed[0]);
  assert.equal(form.grant_type, 'authorization_code');
  assert.equal(form.code, new URL(back.url()).searchParams.get('code'));
  assert.equal(form.redirect_uri, pageUrl());
  const digest = await page.evaluate(async (verifier) => {
    const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
    return btoa(String.fromCharCode(...new Uint8Array(hash))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, form.code_verifier);
  assert.equal(digest, asked.code_challenge);
  assert.ok(!authorize.href.includes(form.code_verifier), 'the verifier itself never went out in the address');
  // Stored as a direct sign-in's are, marked as the hosted page's; nothing of the sign-in kept.
  const tokens = JSON.parse(await storedTokens(page));
  assert.equal(tokens.hosted, true);
  assert.ok(tokens.refresh_token);
  assert.equal(await page.evaluate(() => sessionStorage.length), 1, 'only the tokens: the verifier and state are gone');
  const html = await page.content();
  for (const secret of [tokens.id_token, tokens.access_token, tokens.refresh_token, form.code, form.code_verifier]) {
    assert.ok(!html.includes(secret), 'no token, code or verifier is rendered');
  }
  // A reload keeps the session.
  await page.reload();
  await expectEmail(page, user.email);
  assertNoBreakage(errors);
  await context.close();
});

test('a tampered state is refused with a sentence, and its code is not redeemed', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot, sent } = await open('hosted-tampered-state');
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  // Someone else's sign-in: the same hosted page, another state.
  const tampered = new URL(page.url());
  tampered.searchParams.set('state', 'tampered-state');
  await page.goto(tampered.href);
  await signInOnHostedPage(page, user);
  await expectAlert(page, /not started here.*Sign in again\./);
  await shot('refused');
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  assert.equal(page.url(), pageUrl(), 'the code is gone from the address');
  assert.equal(sent.filter((r) => tokenEndpoint(new URL(r.url()))).length, 0, 'the code was not redeemed');
  assert.equal(await storedTokens(page), null);
  // A fresh start works.
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await signInOnHostedPage(page, user);
  await expectEmail(page, user.email);
  assertNoBreakage(errors);
  await context.close();
});

test('a code used before is refused by the token endpoint, and the page says so', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot } = await open('hosted-reused-code');
  // The page's request is sent twice: the first spends the code, the page gets the second's answer.
  const answers = [];
  await page.route(tokenEndpoint, async (route) => {
    const first = await route.fetch();
    const again = await route.fetch();
    answers.push(first.status(), again.status());
    await route.fulfill({ response: again });
  });
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await signInOnHostedPage(page, user);
  await expectAlert(page, /already used or has expired\. Sign in again\./);
  await shot('refused');
  assert.deepEqual(answers, [200, 400], 'the emulator redeemed the code once, then refused it');
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  assert.equal(page.url(), pageUrl());
  assert.equal(await storedTokens(page), null);
  assertNoBreakage(errors);
  await context.close();
});

test('an error in the redirect is a plain sentence, without the text that came with it', async () => {
  const { context, page, errors, shot } = await open('hosted-error');
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  const state = new URL(page.url()).searchParams.get('state');
  // What the hosted page sends back when the user cancels (or an identity provider refuses).
  const refused = new URL(base);
  refused.search = new URLSearchParams({ error: 'access_denied', error_description: 'Call 555-0100 now', state }).toString();
  await page.goto(refused.href);
  await expectAlert(page, /cancelled or refused on the sign-in page/);
  await shot('refused');
  assert.ok(!(await page.content()).includes('555-0100'), 'the description, anyone\'s text, is not shown');
  assert.equal(page.url(), pageUrl(), 'the error is gone from the address');
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  assertNoBreakage(errors);
  await context.close();
});

test('sign-out ends the hosted session through /logout, and "Sign in with" then shows the login form', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, shot, sent } = await open('hosted-sign-out');
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await signInOnHostedPage(page, user);
  await expectEmail(page, user.email);
  const { refresh_token: refreshToken } = JSON.parse(await storedTokens(page));
  // Through the hosted page's /logout and back to the page (watched for before the click: the
  // revocation before it is quick).
  const leaving = page.waitForRequest((r) => r.url().startsWith(`${cfg.hosted_ui_domain}logout`), TIMEOUT);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  const logout = await leaving;
  const asked = Object.fromEntries(new URL(logout.url()).searchParams);
  assert.deepEqual(asked, { client_id: cfg.app_client_id, logout_uri: pageUrl() });
  await page.waitForURL(pageUrl(), TIMEOUT);
  await page.getByLabel('Email', { exact: true }).waitFor(TIMEOUT);
  await shot('signed-out');
  assert.equal(await storedTokens(page), null);
  // The refresh token was revoked before the page left (RevokeToken, then /logout).
  const revoked = sent.findIndex((r) => r.headers()['x-amz-target']?.endsWith('.RevokeToken'));
  assert.ok(revoked >= 0 && revoked < sent.indexOf(logout), 'revoked, then /logout');
  const refresh = await fetch(`${cfg.hosted_ui_domain}oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: cfg.app_client_id, refresh_token: refreshToken }),
  });
  assert.equal(refresh.status, 400, 'the refresh token no longer works');
  // The next "Sign in with" asks again. The emulator keeps no hosted session at all
  // (ARCHITECTURE.md, emulator gaps), so here this holds with or without /logout; the /logout
  // request above is what ends the session on AWS.
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await shot('asked-again');
  assertNoBreakage(errors);
  await context.close();
});

test('a session from the hosted page is refreshed at the token endpoint when the API refuses its ID token', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, sent } = await open('hosted-refresh');
  // The API refuses the first ID token it is shown, as it does an expired or revoked one.
  let refused = 0;
  await page.route(
    (url) => url.href.startsWith(new URL(cfg.api_url, base).href),
    async (route) => {
      if (refused === 0) {
        refused += 1;
        await route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' });
      } else {
        await route.continue();
      }
    },
  );
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await signInOnHostedPage(page, user);
  await expectEmail(page, user.email);
  const grants = sent.filter((r) => tokenEndpoint(new URL(r.url()))).map((r) => formOf(r));
  assert.deepEqual(grants.map((g) => g.grant_type), ['authorization_code', 'refresh_token']);
  assert.equal(grants[1].client_id, cfg.app_client_id);
  const cognitoCalls = sent.filter((r) => r.headers()['x-amz-target']).map((r) => r.headers()['x-amz-target']);
  assert.deepEqual(cognitoCalls, [], 'not GetTokensFromRefreshToken: the token endpoint, as the session began there');
  const tokens = JSON.parse(await storedTokens(page));
  assert.equal(grants[1].refresh_token, tokens.refresh_token);
  assert.equal(tokens.hosted, true, 'still marked after the refresh');
  assertNoBreakage(errors);
  await context.close();
});

test('a session from the hosted page is told, not refused, where its tokens cannot change the account', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const { context, page, errors, sent } = await open('hosted-account');
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await signInOnHostedPage(page, user);
  await expectEmail(page, user.email);
  // Its access token carries the scopes asked for on the hosted page (openid email), without
  // which Cognito refuses ChangePassword and GlobalSignOut: the page says so without asking.
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectAlert(page, /cannot change the password or sign out other devices.*Ask an administrator\./);
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expectAlert(page, /cannot change the password or sign out other devices/);
  await expectEmail(page, user.email);
  assert.deepEqual(sent.filter((r) => r.headers()['x-amz-target']), [], 'nothing was sent to Cognito');
  assertNoBreakage(errors);
  await context.close();
});

/** Serves the stack's config.json with `changes` applied, to a whole context. */
async function configWith(context, changes) {
  const served = JSON.stringify({ ...cfg, ...changes });
  await context.route(
    (url) => url.pathname.endsWith('/config.json'),
    (route) => route.fulfill({ status: 200, contentType: 'application/json', body: served }),
  );
}

test('sign_in "hosted" offers only the hosted page, with its hosted_ui_name; "direct" only the form', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  const hosted = await openPage(browser, 'hosted-only');
  await configWith(hosted.context, { sign_in: 'hosted', hosted_ui_name: 'Example Corp' });
  await hosted.page.goto(base);
  await hostedLink(hosted.page).waitFor(TIMEOUT);
  assert.equal(await hostedLink(hosted.page).textContent(), 'Sign in with Example Corp');
  assert.equal(await hosted.page.getByLabel('Email', { exact: true }).isVisible(), false);
  assert.equal(await hosted.page.getByRole('button', { name: 'Sign in' }).isVisible(), false);
  assert.equal(await hosted.page.getByRole('button', { name: 'Forgot your password?' }).isVisible(), false);
  await hosted.shot('hosted-only');
  await hostedLink(hosted.page).click();
  await atHostedForm(hosted.page, cfg);
  await signInOnHostedPage(hosted.page, user);
  await expectEmail(hosted.page, user.email);
  assertNoBreakage(hosted.errors);
  await hosted.context.close();

  const direct = await openPage(browser, 'direct-only');
  await configWith(direct.context, { sign_in: 'direct' });
  await atSignIn(direct);
  assert.equal(await hostedLink(direct.page).count(), 0);
  await direct.shot('direct-only');
  assertNoBreakage(direct.errors);
  await direct.context.close();
});

test('an app client with a secret redeems the code with HTTP Basic authentication', async () => {
  const user = await createUser(cfg, { password: PASSWORD });
  // The page's own client has no secret (template.yaml): this test needs one with, which
  // signs in on the hosted page and comes back to the page.
  const client = await createHostedClientWithSecret(cfg, pageUrl());
  const { context, page, errors } = await open('hosted-secret');
  await configWith(context, { app_client_id: client.id, app_client_secret: client.secret });
  await page.goto(base);
  await page.getByText('which every visitor can read').waitFor(TIMEOUT);
  const redeemed = page.waitForResponse((r) => tokenEndpoint(new URL(r.url())), TIMEOUT);
  await hostedLink(page).click();
  await atHostedForm(page, cfg);
  await signInOnHostedPage(page, user);
  const answer = await redeemed;
  assert.equal(answer.status(), 200, 'the emulator checked the client secret and redeemed the code');
  const basic = Buffer.from(`${client.id}:${client.secret}`).toString('base64');
  assert.equal(answer.request().headers().authorization, `Basic ${basic}`);
  // The API takes ID tokens of the page's own client only (the Lambda checks the audience), so
  // this other client's session is refused there, refreshed at the token endpoint (with HTTP
  // Basic too), refused again, and ended, as it should be.
  await expectAlert(page, /session has ended/);
  assertNoBreakage(errors);
  await context.close();
  await deleteClient(cfg, client.id);
});
