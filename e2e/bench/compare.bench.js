// Compares how soon two builds of the page show their form, loading them alternately in the
// same browser so that both meet the same machine load (on a small VM, batches minutes apart
// differ by 30 ms or more). Each load is a fresh browser context: a first visit.
//
//   cd e2e && npm run bench:compare -- http://127.0.0.1:8080/ http://127.0.0.1:8081/ [--runs 40]
//
// Run a second stack on another build with
//   target/release/whoami-local --port 8081 --dist <other dist> --state-dir <other dir>

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 40;
const urls = args;
if (urls.length !== 2 || !(runs > 0)) {
  console.error('usage: npm run bench:compare -- <url A> <url B> [--runs N]');
  process.exit(2);
}
// lib.js wants a stack to test; this bench names its own two.
process.env.WHOAMI_E2E_URL ??= urls[0];
const { launch } = await import('../lib.js');

// Installed before the page's scripts: tells the bench when the "Sign in" button is first
// in the page and laid out, without any of Playwright's scripts running in the page before.
function probe() {
  new MutationObserver(() => {
    if (window.__formAt !== undefined) return;
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Sign in');
    if (button && button.getClientRects().length > 0) {
      window.__formAt = performance.now();
      window.__benchForm(window.__formAt);
    }
  }).observe(document, { childList: true, subtree: true });
}

async function load(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(probe);
  let shown;
  const form = new Promise((resolve, reject) => {
    shown = resolve;
    setTimeout(() => reject(new Error(`${url}: no form within 15 s`)), 15000);
  });
  await page.exposeFunction('__benchForm', (at) => shown(at));
  await page.goto(url);
  const at = await form;
  const wasm = await page.evaluate(
    () => performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.responseEnd,
  );
  await context.close();
  return { form: at, wasm };
}

function summary(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
}

const browser = await launch();
try {
  const results = urls.map(() => []);
  for (let i = 0; i < 2; i += 1) for (const url of urls) await load(browser, url);
  for (let i = 0; i < runs; i += 1) {
    // A then B, then B then A: neither always goes first.
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) results[which].push(await load(browser, urls[which]));
  }
  urls.forEach((url, i) => {
    console.log(`${'AB'[i]} ${url}`);
    console.log(`  form visible after navigation  ${summary(results[i].map((r) => r.form))}  (n=${runs})`);
    console.log(`  wasm arrived after navigation  ${summary(results[i].map((r) => r.wasm))}`);
  });
} finally {
  await browser.close();
}
