// Timings and bytes of the web page against a running local stack (WHOAMI_E2E_URL):
//   - form: navigation start -> the "Sign in" button is in the page and rendered;
//   - email: the click on "Sign in" -> the email (#email-shown) is in the page;
//   - bytes: what one page load transfers up to the form, as served and gzipped.
// Each run is a new browser context (empty cache and storage), so every load is a first
// visit. Times are taken inside the page (performance.now(), whose origin is the
// navigation start, and the click event's timeStamp), not by polling from Playwright.
//
//   cd e2e && WHOAMI_E2E_URL=http://127.0.0.1:8080/ npm run bench [-- --runs 20 --json out.json]

import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { base, config, createUser, launch } from '../lib.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const runs = Number(option('runs', process.env.WHOAMI_BENCH_RUNS ?? 20));
const warmup = Number(option('warmup', 2));
const jsonOut = option('json', null);
const TIMEOUT = { timeout: 15000 };

// Installed before any of the page's scripts: records when the form and the email first
// appear, when they are first painted (the next animation frame), and the click's time.
function probe() {
  const marks = {};
  window.__bench = marks;
  const visible = (el) => el && el.isConnected && el.getClientRects().length > 0;
  const signInButton = () =>
    [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Sign in');
  const check = () => {
    const now = performance.now();
    if (marks.main === undefined && document.querySelector('main')) marks.main = now;
    if (marks.form === undefined && visible(signInButton())) {
      marks.form = now;
      requestAnimationFrame(() => {
        marks.formFrame = performance.now();
        window.__benchFormPainted();
      });
    }
    const email = document.getElementById('email-shown');
    if (marks.email === undefined && visible(email) && email.textContent.trim()) {
      marks.email = now;
      requestAnimationFrame(() => (marks.emailFrame = performance.now()));
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  document.addEventListener(
    'click',
    (event) => {
      if (event.target.closest && event.target.closest('button')?.textContent.trim() === 'Sign in') {
        marks.click = event.timeStamp;
      }
    },
    { capture: true },
  );
}

async function once(browser, user, measureBytes) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const responses = [];
  page.on('response', (response) => responses.push(response));
  await page.addInitScript(probe);
  // The page says when its form is painted, so that nothing of Playwright's (its injected
  // scripts, its polling) runs in the page's main thread before then.
  let formPainted;
  const painted = new Promise((resolve) => (formPainted = resolve));
  await page.exposeFunction('__benchFormPainted', () => formPainted());
  await page.goto(base);
  await Promise.race([
    painted,
    new Promise((_, reject) => setTimeout(() => reject(new Error('no form within 15 s')), TIMEOUT.timeout)),
  ]);
  const button = page.getByRole('button', { name: 'Sign in' });
  // What the page loaded to show its form (before any request of the sign-in).
  const entries = await page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
      url: e.name,
      transferSize: e.transferSize,
      encodedBodySize: e.encodedBodySize,
      decodedBodySize: e.decodedBodySize,
      fetchStart: e.fetchStart,
      responseEnd: e.responseEnd,
    })),
  );
  // When each file had arrived, relative to the navigation start: the critical path.
  const arrived = Object.fromEntries(
    entries.map((e) => [phase(e.url), e.responseEnd]).filter(([name]) => name !== null),
  );
  arrived.wasmAsked = entries.find((e) => phase(e.url) === 'wasm')?.fetchStart;
  arrived.main = (await page.evaluate(() => window.__bench)).main;
  arrived.configAsked = entries.find((e) => phase(e.url) === 'config')?.fetchStart;
  const files = measureBytes ? await bytes([...responses], entries) : undefined;

  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await button.click();
  await page.locator('#email-shown').waitFor(TIMEOUT);
  await page.waitForFunction(() => window.__bench.emailFrame !== undefined, null, TIMEOUT);
  const marks = await page.evaluate(() => window.__bench);
  // The sign-in's two Cognito requests (InitiateAuth, then the SRP proof), as the page's own
  // resource timing saw them: the gaps around them are the SRP arithmetic in the browser.
  const cognitoCalls = await page.evaluate(
    (endpoint) =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.startsWith(endpoint))
        .map((e) => ({ start: e.startTime, end: e.responseEnd })),
    cfg.cognito_endpoint,
  );
  const shown = (await page.locator('#email-shown').textContent()).trim();
  if (shown !== user.email) throw new Error(`the page shows ${shown}, expected ${user.email}`);
  if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  await context.close();
  return {
    form: marks.form,
    formFrame: marks.formFrame,
    arrived,
    email: marks.email - marks.click,
    // From the click to InitiateAuth's request: reading the form and computing A.
    srpA: cognitoCalls.length >= 2 ? cognitoCalls[0].start - marks.click : undefined,
    // From InitiateAuth's answer to the proof's request: the PASSWORD_VERIFIER answer.
    srpAnswer: cognitoCalls.length >= 2 ? cognitoCalls[1].start - cognitoCalls[0].end : undefined,
    // Cognito's own time for each (the emulator's SRP arithmetic is Python's).
    initiateAuth: cognitoCalls.length >= 2 ? cognitoCalls[0].end - cognitoCalls[0].start : undefined,
    proof: cognitoCalls.length >= 2 ? cognitoCalls[1].end - cognitoCalls[1].start : undefined,
    emailFrame: marks.emailFrame - marks.click,
    files,
  };
}

/** The phase a file's arrival marks, by its name. */
function phase(url) {
  const path = new URL(url).pathname;
  if (path === '/' || path.endsWith('.html')) return 'html';
  if (path.endsWith('.wasm')) return 'wasm';
  if (path.endsWith('config.json')) return 'config';
  if (path.endsWith('loader.js')) return 'loader';
  if (path.endsWith('.js')) return 'js';
  if (path.endsWith('.css')) return 'css';
  return null;
}

/** Sizes of what one load fetched: as transferred, raw, and gzipped at level 9. */
async function bytes(responses, entries) {
  const files = [];
  for (const response of responses) {
    const url = response.url();
    if (!url.startsWith(base)) continue;
    const body = await response.body().catch(() => null);
    if (!body) continue;
    const entry = entries.find((e) => e.url === url);
    const headers = await response.allHeaders();
    files.push({
      file: url.slice(base.length) || '(index.html)',
      encoding: headers['content-encoding'] ?? 'identity',
      transferred: entry?.transferSize ?? null,
      raw: body.length,
      gzipped: gzipSync(body, { level: 9 }).length,
    });
  }
  return files;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0], max: sorted[sorted.length - 1] };
}

const round = (ms) => Math.round(ms * 10) / 10;

const cfg = await config();
const user = await createUser(cfg, { password: 'Bench-Pass-123' });
const browser = await launch();
try {
  for (let i = 0; i < warmup; i += 1) await once(browser, user);
  const results = [];
  let files;
  for (let i = 0; i < runs; i += 1) {
    const run = await once(browser, user, i === 0);
    if (i === 0) files = run.files;
    delete run.files;
    results.push(run);
  }
  const summary = {
    url: base,
    runs,
    warmup,
    form_ms: stats(results.map((r) => r.form)),
    form_painted_ms: stats(results.map((r) => r.formFrame)),
    arrived_ms: Object.fromEntries(
      ['html', 'main', 'configAsked', 'config', 'wasmAsked', 'wasm', 'css', 'loader', 'js']
        .filter((name) => results.every((r) => r.arrived[name] !== undefined))
        .map((name) => [name, stats(results.map((r) => r.arrived[name]))]),
    ),
    email_after_click_ms: stats(results.map((r) => r.email)),
    ...(results.every((r) => r.srpA !== undefined) && {
      click_to_initiate_auth_ms: stats(results.map((r) => r.srpA)),
      challenge_to_proof_ms: stats(results.map((r) => r.srpAnswer)),
      initiate_auth_answered_ms: stats(results.map((r) => r.initiateAuth)),
      proof_answered_ms: stats(results.map((r) => r.proof)),
    }),
    email_painted_after_click_ms: stats(results.map((r) => r.emailFrame)),
    files,
    total: {
      transferred: files.reduce((s, f) => s + (f.transferred ?? 0), 0),
      raw: files.reduce((s, f) => s + f.raw, 0),
      gzipped: files.reduce((s, f) => s + f.gzipped, 0),
    },
  };
  const line = (name, s) =>
    console.log(`${name.padEnd(34)} median ${round(s.median)} ms  p95 ${round(s.p95)} ms  (n=${s.n}, min ${round(s.min)}, max ${round(s.max)})`);
  line('form visible after navigation', summary.form_ms);
  line('form painted after navigation', summary.form_painted_ms);
  for (const [name, s] of Object.entries(summary.arrived_ms)) line(`  ${name} arrived after navigation`, s);
  line('email visible after click', summary.email_after_click_ms);
  line('email painted after click', summary.email_painted_after_click_ms);
  if (summary.click_to_initiate_auth_ms) {
    line('click to InitiateAuth (SRP: A)', summary.click_to_initiate_auth_ms);
    line('challenge to proof (SRP: answer)', summary.challenge_to_proof_ms);
    line('InitiateAuth answered in', summary.initiate_auth_answered_ms);
    line('the proof answered in', summary.proof_answered_ms);
  }
  console.log('\nbytes of one page load (up to the form):');
  console.log(`${'file'.padEnd(48)} ${'encoding'.padEnd(9)} ${'transferred'.padStart(11)} ${'raw'.padStart(8)} ${'gzip -9'.padStart(8)}`);
  for (const f of files) {
    console.log(`${f.file.padEnd(48)} ${f.encoding.padEnd(9)} ${String(f.transferred).padStart(11)} ${String(f.raw).padStart(8)} ${String(f.gzipped).padStart(8)}`);
  }
  const t = summary.total;
  console.log(`${'total'.padEnd(48)} ${''.padEnd(9)} ${String(t.transferred).padStart(11)} ${String(t.raw).padStart(8)} ${String(t.gzipped).padStart(8)}`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await browser.close();
}
