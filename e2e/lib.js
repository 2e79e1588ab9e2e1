// Helpers for the browser tests: the stack under test, users in its Cognito, and Chromium.
//
// The stack is not started here: WHOAMI_E2E_URL names a running one (`cargo xtask dev`, or
// what `cargo xtask test` starts). Users are created through the emulated Cognito's admin API,
// whose address and ids come from the page's own /config.json.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import aws4 from 'aws4';
import { chromium } from 'playwright-core';

const url = process.env.WHOAMI_E2E_URL;
if (!url) {
  throw new Error('set WHOAMI_E2E_URL to the page of a running local stack, e.g. http://127.0.0.1:8080/');
}
export const base = url.endsWith('/') ? url : `${url}/`;

/** Where screenshots go (git-ignored). */
export const artifacts = process.env.WHOAMI_E2E_ARTIFACTS ?? join(import.meta.dirname, 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** The page's configuration, as the page itself reads it. */
export async function config() {
  const response = await fetch(new URL('config.json', base));
  if (!response.ok) throw new Error(`${base}config.json answered HTTP ${response.status}`);
  const config = await response.json();
  if (!config.cognito_endpoint) {
    throw new Error('config.json has no cognito_endpoint: these tests need the local stack, not real Cognito');
  }
  return config;
}

/**
 * The emulator's root keys. It checks admin calls' SigV4 signatures as Cognito does (the key,
 * not the secret: ARCHITECTURE.md, "The local AWS").
 */
const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Calls one Cognito admin operation on the emulator, signed as the AWS SDK signs it. */
async function cognito(config, operation, body) {
  const endpoint = new URL(config.cognito_endpoint);
  const request = aws4.sign(
    {
      host: endpoint.host,
      path: endpoint.pathname,
      method: 'POST',
      service: 'cognito-idp',
      region: config.region,
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    },
    EMULATOR_CREDENTIALS,
  );
  // Signed, but fetch sets both itself (to the same values) and refuses to be given them.
  delete request.headers.Host;
  delete request.headers['Content-Length'];
  const response = await fetch(endpoint, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation} answered HTTP ${response.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

/**
 * Asks Cognito for new tokens with `refreshToken`, as the page does (GetTokensFromRefreshToken,
 * unsigned, through the page's app client). Returns Cognito's HTTP status and error type
 * (`null` on success).
 */
export async function refreshWith(config, refreshToken) {
  const { response, body } = await userCall(config, 'GetTokensFromRefreshToken', {
    ClientId: config.app_client_id,
    RefreshToken: refreshToken,
  });
  return { status: response.status, error: response.ok ? null : body.__type };
}

/** Revokes one refresh token, as signing out elsewhere (or a rotation that spent it) does. */
export async function revokeToken(config, refreshToken) {
  const { response, body } = await userCall(config, 'RevokeToken', { ClientId: config.app_client_id, Token: refreshToken });
  if (!response.ok) throw new Error(`RevokeToken answered HTTP ${response.status}: ${JSON.stringify(body)}`);
}

/** One unsigned Cognito call, as the page makes them. */
async function userCall(config, operation, request) {
  const response = await fetch(config.cognito_endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  return { response, body: text ? JSON.parse(text) : {} };
}

/** Revokes every refresh token of the user, as an administrator (or the user elsewhere) can. */
export async function signOutEverywhere(config, email) {
  await cognito(config, 'AdminUserGlobalSignOut', { UserPoolId: config.user_pool_id, Username: email });
}

/** Disables a user, as an administrator can. */
export async function disableUser(config, email) {
  await cognito(config, 'AdminDisableUser', { UserPoolId: config.user_pool_id, Username: email });
}

/**
 * Sets the auth flows the page's app client allows, as template.yaml's `PagePasswordAuth`
 * parameter or an operator in the console would, keeping every other setting. Returns the
 * flows it had, to put back.
 */
export async function setPageClientFlows(config, flows) {
  const ids = { UserPoolId: config.user_pool_id, ClientId: config.app_client_id };
  const { UserPoolClient: client } = await cognito(config, 'DescribeUserPoolClient', ids);
  const updatable = [
    'ClientName', 'RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'TokenValidityUnits',
    'ReadAttributes', 'WriteAttributes', 'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs',
    'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient', 'PreventUserExistenceErrors',
    'EnableTokenRevocation', 'AuthSessionValidity', 'RefreshTokenRotation',
  ];
  const kept = Object.fromEntries(updatable.filter((key) => client[key] != null).map((key) => [key, client[key]]));
  await cognito(config, 'UpdateUserPoolClient', { ...ids, ...kept, ExplicitAuthFlows: flows });
  return client.ExplicitAuthFlows;
}

/** A new app client with a secret (SRP and refresh), as a pool made for scripts may have. */
export async function createClientWithSecret(config) {
  const { UserPoolClient: client } = await cognito(config, 'CreateUserPoolClient', {
    UserPoolId: config.user_pool_id,
    ClientName: `e2e-secret-${Date.now()}`,
    GenerateSecret: true,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  return { id: client.ClientId, secret: client.ClientSecret };
}

/** Deletes an app client made by a test. */
export async function deleteClient(config, clientId) {
  await cognito(config, 'DeleteUserPoolClient', { UserPoolId: config.user_pool_id, ClientId: clientId });
}

let counter = 0;

/**
 * A new user. With `temporary` only, signing in meets NEW_PASSWORD_REQUIRED. Passwords meet
 * template.yaml's policy (12 characters, upper and lower case, a digit), which the emulated
 * pool enforces.
 */
export async function createUser(config, { password, temporary = 'Temp-Pass-1234' } = {}) {
  counter += 1;
  const email = `e2e-${process.pid}-${Date.now()}-${counter}@example.com`;
  await cognito(config, 'AdminCreateUser', {
    UserPoolId: config.user_pool_id,
    Username: email,
    TemporaryPassword: temporary,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  if (password) {
    await cognito(config, 'AdminSetUserPassword', {
      UserPoolId: config.user_pool_id,
      Username: email,
      Password: password,
      Permanent: true,
    });
  }
  return { email, password: password ?? temporary };
}

/** Answers an intercepted Cognito request with `body` (an object, or JSON text), as Cognito would. */
export function fulfilCognito(route, body, status = 200) {
  return route.fulfill({
    status,
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'Access-Control-Allow-Origin': '*' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Headless Chromium as this project's machines need it started (see TOOLCHAIN notes). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.WHOAMI_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh page (own storage) that records console errors, so that a test can assert that
 * nothing went wrong unseen, CSP violations included.
 */
export async function openPage(browser, name, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  let step = 0;
  const shot = async (what) => {
    step += 1;
    await page.screenshot({ path: join(artifacts, `${name}-${String(step).padStart(2, '0')}-${what}.png`), fullPage: true });
  };
  return { context, page, errors, shot };
}

/** Fills the sign-in form and submits it with Enter, as a keyboard user would. */
export async function signIn(page, { email, password }) {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
}

/** The stored tokens, as the page keeps them (sessionStorage by default). */
export async function storedTokens(page) {
  return page.evaluate(() => sessionStorage.getItem('cognito-whoami.tokens') ?? localStorage.getItem('cognito-whoami.tokens'));
}

/** How long a test waits for the page to show something. */
export const TIMEOUT = { timeout: 10_000 };

/** Console errors that mean a bug rather than an answer the page handled (a 400 logs one). */
export function assertNoBreakage(errors) {
  const bad = errors.filter((e) => /Content.Security.Policy|panicked|RuntimeError|unreachable executed/i.test(e));
  assert.deepEqual(bad, []);
}

/** Waits for the email the API returned and checks it is `email`. */
export async function expectEmail(page, email) {
  const shown = page.locator('#email-shown');
  await shown.waitFor(TIMEOUT);
  assert.equal((await shown.textContent()).trim(), email);
}

/** Waits for the alert, checks its sentence, and that it took the focus. */
export async function expectAlert(page, pattern) {
  await page.waitForFunction(() => document.querySelector('[role=alert]')?.textContent.trim(), null, TIMEOUT);
  assert.match(await page.getByRole('alert').textContent(), pattern);
  // Focus moves to the error so that keyboard and screen-reader users meet it at once.
  await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'alert', null, TIMEOUT);
}

/** Waits for the page's notice (what happened, said politely) and checks its sentence. */
export async function expectNotice(page, pattern) {
  await page.waitForFunction(() => document.querySelector('p[role=status]')?.textContent.trim(), null, TIMEOUT);
  assert.match(await page.locator('p[role=status]').first().textContent(), pattern);
}

/** Goes to the page in `opened` (from `openPage` or `openOnPhone`) and waits for the sign-in form. */
export async function atSignIn(opened) {
  await opened.page.goto(base);
  await opened.page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  return opened;
}

/** The emails the emulated Cognito has sent to `to` (codes, invitations), oldest first. */
export async function emailsTo(config, to) {
  const response = await fetch(new URL('/_ministack/ses/messages', config.cognito_endpoint));
  if (!response.ok) throw new Error(`the emulator's mail log answered HTTP ${response.status}`);
  const { messages } = await response.json();
  return Object.values(messages).flat().filter((mail) => (mail.To ?? []).includes(to));
}

/** The code in the last email to `to`: its first run of six digits. */
export async function emailedCode(config, to) {
  const mails = await emailsTo(config, to);
  const last = mails.at(-1);
  if (!last) throw new Error(`no email to ${to}`);
  const code = `${last.BodyText ?? ''} ${last.BodyHtml ?? ''}`.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
  if (!code) throw new Error(`no code in the email to ${to}: ${JSON.stringify(last)}`);
  return code;
}

/** A six-digit code that is not `code`. */
export function otherThan(code) {
  return code === '000000' ? '111111' : '000000';
}

/** The pool's password policy, as DescribeUserPool gives it (what template.yaml deployed). */
export async function passwordPolicy(config) {
  const { UserPool: pool } = await cognito(config, 'DescribeUserPool', { UserPoolId: config.user_pool_id });
  return pool.Policies.PasswordPolicy;
}

/** What has the keyboard focus, by its label or text, and whether the focus can be seen. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const shown = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const name = (el.labels?.[0]?.textContent ?? el.textContent).trim().slice(0, 40);
    return `${name}${shown ? '' : ' (focus not shown)'}`;
  });
}

/** Opens the page at a phone's size. */
export async function openOnPhone(browser, name) {
  const phone = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  return openPage(browser, name, phone);
}

/**
 * Checks the form on screen as a phone user with a keyboard meets it: no sideways scrolling,
 * every field labelled, touch targets 44 px tall, and Tab going through `order` (labels or
 * button texts) from the field labelled `order[0]`, with the focus shown.
 */
export async function assertUsableOnPhone(page, order) {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input')].filter((i) => i.labels.length === 0).map((i) => i.name),
  );
  assert.deepEqual(unlabelled, [], 'every field has a label');
  const heights = await page.evaluate(() =>
    [...document.querySelectorAll('input, button')].map((el) => [el.name || el.textContent.trim(), el.getBoundingClientRect().height]),
  );
  for (const [name, height] of heights) assert.ok(height >= 44, `${name}: a touch target at least 44 px tall, not ${height}`);
  await page.getByLabel(order[0], { exact: true }).focus();
  const seen = [await focused(page)];
  for (let i = 1; i < order.length; i += 1) {
    await page.keyboard.press('Tab');
    seen.push(await focused(page));
  }
  assert.deepEqual(seen, order);
}
