// Checks the wizard UI in headless Chromium against the views Rust really builds (replayed by
// mock-tauri.js from views/, recorded by crates/xero-connect/tests/views.rs): renders every
// recorded view at 800×600 in light and dark (screenshots for a human to look at), then checks
// the rules that matter: CSP-safe DOM, the secret sent only once, focus, disabled Next, the
// dialog, error buttons sending Rust's event unchanged.
//
// Run by scripts/ui-check (part of scripts/test), which installs what it needs: Debian's
// chromium and the pinned playwright-core (tools/ui-check). By hand:
//   PLAYWRIGHT_CORE_DIR=target/tools/ui-check/node_modules node tests/ui-mock/check.mjs
// Screenshots go to $UI_SHOTS (default target/ui-check). Ends with "N passed, N failed".

import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const shots = process.env.UI_SHOTS ?? join(root, 'target/ui-check');
mkdirSync(shots, { recursive: true });

const require = createRequire(import.meta.url);
const pwDir = process.env.PLAYWRIGHT_CORE_DIR ?? join(root, 'target/tools/ui-check/node_modules');
const { chromium } = require(existsSync(join(pwDir, 'playwright-core')) ? join(pwDir, 'playwright-core') : pwDir);
const { secretShape, visibleWhitespace } = await import(pathToFileURL(join(root, 'ui/js/shape.js')).href);
const index = JSON.parse(readFileSync(join(here, 'views/index.json'), 'utf8'));
const view = (name) => JSON.parse(readFileSync(join(here, 'views', `${name}.json`), 'utf8'));
const { client_id: CLIENT_ID, secret: RECORDED_SECRET } = index.inputs;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
}

// ---- shape.js, without a browser ----
const shapeCases = [
  ['09afAFgzGZ', '00aaAAggGG'],
  ['-_:=', '-_:='],
  ['"\'“”‘’`«»', '"\'“”‘’`«»'],
  [' \t\n\r\u00A0\u2007\u202F\u200B\u200C\u200D\u2060\uFEFF\u3000\u0085', ' \t\n\r\u00A0\u2007\u202F\u200B\u200C\u200D\u2060\uFEFF\u3000\u0085'],
  ['+/.é€😀', '******'],
];
for (const [input, want] of shapeCases) check(`secretShape(${JSON.stringify(input)})`, secretShape(input) === want, JSON.stringify(secretShape(input)));
check('visibleWhitespace masks characters', JSON.stringify(visibleWhitespace('ab c', true)) === JSON.stringify([{ text: '••' }, { text: '␣', mark: true, name: 'space' }, { text: '•' }]));

// ---- a static server on the repository root ----
const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
});
const server = spawn('python3', ['-m', 'http.server', String(port), '-b', '127.0.0.1', '-d', root], { stdio: 'ignore' });
// Whatever ends the check (a failed wait throws), the server goes with it.
process.on('exit', () => server.kill());
const base = `http://127.0.0.1:${port}/tests/ui-mock/index.html`;
for (let i = 0; i < 50; i++) {
  try { if ((await fetch(base)).ok) break; } catch { /* not up yet */ }
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // As the machine's own probe ran it: without the background-networking flags Chromium tries
  // to reach Google's hosts, which this machine's closed network refuses.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** A page on a recorded view; Rust's pushed views come only when the test calls show(). */
async function open(name, colorScheme = 'light') {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, colorScheme });
  const page = await context.newPage();
  page.problems = [];
  page.consoleText = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    page.consoleText.push(m.text());
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${base}?view=${name}&pushes=off`);
  await page.waitForSelector('#step-heading');
  return page;
}

const events = (page) => page.evaluate(() => window.__mock.events);
const show = (page, name) => page.evaluate((n) => window.__mock.show(n), name);
const active = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.dataset?.key || document.activeElement?.tagName);
const settle = (page, ms = 150) => page.waitForTimeout(ms);

// Rules every rendered screen must follow.
async function domRules(page, label) {
  const r = await page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    const onAttrs = all.flatMap((n) => [...n.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${n.tagName}[${a.name}]`));
    const unlabelled = [...document.querySelectorAll('button, input, select, textarea')].filter((n) => {
      if (n.type === 'hidden') return false;
      const named = n.getAttribute('aria-label') || n.getAttribute('aria-labelledby') || (n.labels && n.labels.length) || n.textContent.trim();
      return !named;
    }).map((n) => n.id || n.outerHTML.slice(0, 60));
    const scroller = document.querySelector('.scroll');
    const h1 = document.querySelector('h1#step-heading');
    return {
      styleAttrs: all.filter((n) => n.hasAttribute('style')).map((n) => n.tagName),
      styleTags: document.querySelectorAll('style').length,
      inlineScripts: [...document.scripts].filter((s) => !s.src).length,
      onAttrs,
      unlabelled,
      csp: window.__csp,
      windowScrolls: document.scrollingElement.scrollHeight > innerHeight || document.scrollingElement.scrollWidth > innerWidth,
      sideways: scroller ? scroller.scrollWidth > scroller.clientWidth : false,
      h1: h1 ? h1.tabIndex === -1 && h1.textContent.trim().length > 0 : false,
      ids: [...document.querySelectorAll('[id]')].map((n) => n.id).filter((id, i, a) => a.indexOf(id) !== i),
      banner: Boolean(document.querySelector('#banner:not([hidden])')),
      text: document.body.innerText,
    };
  });
  const bad = [];
  if (r.styleAttrs.length) bad.push(`style attrs on ${r.styleAttrs}`);
  if (r.styleTags) bad.push('<style> elements');
  if (r.inlineScripts) bad.push('inline <script>');
  if (r.onAttrs.length) bad.push(`on… attributes ${r.onAttrs}`);
  if (r.unlabelled.length) bad.push(`unlabelled controls ${r.unlabelled}`);
  if (r.csp.length) bad.push(`CSP violations ${r.csp}`);
  if (r.windowScrolls) bad.push('the window itself scrolls');
  if (r.sideways) bad.push('content scrolls sideways');
  if (!r.h1) bad.push('no focusable h1#step-heading');
  if (r.ids.length) bad.push(`duplicate ids ${r.ids}`);
  if (!r.banner) bad.push('banner not shown');
  // The window speaks its own words: no command-line option or command on screen.
  if (/--[a-z]/.test(r.text) || r.text.includes('xero-connect ')) bad.push('command-line words on screen');
  bad.push(...page.problems);
  check(`${label}: DOM rules`, bad.length === 0, bad.join('; '));
}

// ---- every recorded view, light and dark ----
for (const scheme of ['light', 'dark']) {
  for (const name of index.views) {
    const page = await open(name, scheme);
    if (name === 'connections-confirm') await page.waitForSelector('dialog[open]');
    await settle(page, 250);
    // Before the screenshot: taking one leaves an empty style="" on inputs (caret hiding).
    await domRules(page, `${name} (${scheme})`);
    await page.screenshot({ path: join(shots, `${name}-${scheme}.png`) });
    await page.context().close();
  }
}

// ---- the secret: shapes while typing, sent once on Next, input emptied ----
{
  const SECRET = `${RECORDED_SECRET} `;
  const page = await open('credentials');
  check('load: focus on the heading', (await active(page)) === 'step-heading');
  await page.fill('#input-client-id', CLIENT_ID);
  await page.type('#input-client-secret', SECRET, { delay: 5 });
  await page.waitForSelector('[data-test=problem][data-severity=notice]');
  const edits = (await events(page)).filter((e) => e.event === 'credentials_edited');
  check('typing sends credentials_edited', edits.length >= SECRET.length);
  const windows = Array.from({ length: SECRET.length - 5 }, (_, i) => SECRET.slice(i, i + 6));
  const leaked = edits.filter((e) => windows.some((w) => JSON.stringify(e).includes(w)));
  check('credentials_edited never carries the secret (or 6 characters of it)', leaked.length === 0, JSON.stringify(leaked[0]));
  check('last shape is the secret\'s shape', edits.at(-1).secret_shape === secretShape(SECRET), edits.at(-1).secret_shape);
  const preview = await page.textContent('#preview-input-client-secret');
  check('trailing space shown visibly, secret masked', preview.includes('␣') && preview.includes('•') && !windows.some((w) => preview.includes(w)), preview);
  const html = await page.content();
  check('secret not in the page', !windows.some((w) => html.includes(w)));
  await page.click('#btn-show-secret');
  check('Show reveals (aria-pressed=true, type=text)', (await page.getAttribute('#btn-show-secret', 'aria-pressed')) === 'true' && (await page.getAttribute('#input-client-secret', 'type')) === 'text');
  await page.click('#btn-show-secret');
  check('Show again hides', (await page.getAttribute('#input-client-secret', 'type')) === 'password');

  // A blocking problem disables Next, and Enter does not submit.
  await page.fill('#input-client-id', 'ABC');
  await page.waitForSelector('[data-test=problem][data-severity=blocking]');
  check('Next disabled while a blocking problem is shown', await page.isDisabled('#btn-next'));
  const blocking = view('credentials-blocking').screen.problems.find((p) => p.severity === 'blocking').message;
  check('the blocking problem is Rust\'s sentence, under the Client ID', (await page.textContent('#problems-input-client-id [data-severity=blocking]')).includes(blocking));
  check('only the Client ID is marked invalid', (await page.getAttribute('#input-client-id', 'aria-invalid')) === 'true' && (await page.getAttribute('#input-name', 'aria-invalid')) === 'false');
  await page.focus('#input-client-id');
  await page.keyboard.press('Enter');
  await settle(page);
  check('Enter with a blocking problem submits nothing', !(await events(page)).some((e) => e.event === 'submit_credentials'));
  await page.fill('#input-client-id', CLIENT_ID);
  await page.waitForSelector('#btn-next:not([disabled])');
  check('Next enabled once fixed', true);

  await page.evaluate(() => { window.__secretInput = document.querySelector('#input-client-secret'); });
  await page.focus('#input-client-secret');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.screen-scopes');
  const all = await events(page);
  const submits = all.filter((e) => e.event === 'submit_credentials');
  check('Enter submits: one submit_credentials with the secret', submits.length === 1 && submits[0].client_secret === SECRET);
  check('the secret crosses exactly once', all.filter((e) => JSON.stringify(e).includes(SECRET.slice(0, 12))).length === 1);
  check('secret input emptied on submit', await page.evaluate(() => window.__secretInput.value === ''));
  check('focus on the heading after the screen changed', (await active(page)) === 'step-heading');
  const storage = await page.evaluate(() => localStorage.length + sessionStorage.length);
  check('nothing in web storage', storage === 0);
  check('secret never in the console', !page.consoleText.some((t) => windows.some((w) => t.includes(w))));
  await page.context().close();
}

// ---- a taken name: under the name field, and only the name is marked invalid ----
{
  const page = await open('credentials-name-taken');
  const msg = view('credentials-name-taken').screen.problems.find((p) => p.field === 'name').message;
  check('the name problem is under the name field', (await page.textContent('#problems-input-name')).includes(msg));
  check('the name is marked invalid, the Client ID is not', (await page.getAttribute('#input-name', 'aria-invalid')) === 'true' && (await page.getAttribute('#input-client-id', 'aria-invalid')) === 'false');
  await page.context().close();
}

// ---- the whole first setup, checking focus at every screen change ----
{
  const page = await open('welcome');
  const expectHeading = async (what) => {
    await settle(page);
    check(`${what}: focus on the heading`, (await active(page)) === 'step-heading', await active(page));
  };
  await page.click('#btn-first-setup');
  await page.waitForSelector('.screen-create_app');
  await expectHeading('create_app');
  check('progress says Step 1 of 6', (await page.textContent('#progress')) === 'Step 1 of 6');
  check('the secret warning is a box, not also a tip', (await page.locator('.callout-warning').count()) === 1 && !(await page.textContent('.tips')).includes('only once'));
  await page.click('#btn-copy-redirect-uri-0');
  check('Copy says Copied', (await page.textContent('#btn-copy-redirect-uri-0')) === 'Copied');
  check('clipboard got the redirect URI', (await page.evaluate(() => window.__mock.copied)).includes('http://localhost:8749/callback'));
  const chosen = (type) => page.waitForSelector(`#app-type-${type}:checked`, { state: 'attached' });
  await page.click('[data-test=app-type-choice] input[value=pkce]');
  await chosen('pkce');
  check('a desktop app shows no secret warning', (await page.locator('.callout-warning').count()) === 0);
  await page.click('[data-test=app-type-choice] input[value=custom]');
  await chosen('custom');
  await page.click('[data-test=app-type-choice] input[value=web]');
  await chosen('web');
  await page.click('#btn-next');
  await page.waitForSelector('.screen-credentials');
  await expectHeading('credentials');
  await page.fill('#input-client-id', CLIENT_ID);
  await page.fill('#input-client-secret', `${RECORDED_SECRET} `);
  await page.waitForSelector('#btn-next:not([disabled])');
  await page.click('#btn-next');
  await page.waitForSelector('.screen-scopes');
  await page.click('#advanced-summary');
  await page.focus('#api-payroll');
  await page.keyboard.press('Space');
  await settle(page);
  check('toggle_api sent', (await events(page)).some((e) => e.event === 'toggle_api' && e.api === 'payroll'));
  check('focus stays on the ticked box after the refresh', (await active(page)) === 'api-payroll');
  const adv = await page.evaluate(() => [document.querySelector('#advanced').open, document.querySelector('#scope-list').textContent.includes('payroll.payruns')]);
  check('Advanced stays open and lists payroll scopes', adv[0] && adv[1], JSON.stringify(adv));
  await page.click('#btn-next');
  await page.waitForSelector('#btn-allow-access');
  await expectHeading('consent ready');
  await page.click('#btn-allow-access');
  await show(page, 'consent-checking');
  await page.waitForSelector('#busy-label');
  check('progress before the browser: the credentials are checked', (await page.textContent('#busy-label')).includes('Checking the Client ID and secret'));
  await show(page, 'consent-waiting');
  await page.waitForSelector('#btn-open-again');
  await expectHeading('consent waiting');
  await page.waitForTimeout(300);
  check('live region says we are waiting', /Waiting for you to allow access in Xero/.test(await page.textContent('#live')));
  check('one Cancel while waiting', (await page.locator('#btn-cancel').count()) === 1);
  await page.click('#btn-copy-link');
  check('Copy link copies the consent URL', (await page.evaluate(() => window.__mock.copied.at(-1))) === index.inputs.consent_url);
  await show(page, 'choose-organisation');
  await page.waitForSelector('.screen-choose_organisation');
  await expectHeading('choose_organisation (pushed)');
  check('Next disabled until an organisation is chosen', await page.isDisabled('#btn-next'));
  check('same-named organisations are told apart by ID', (await page.locator('.same-name').count()) === 2);
  const tenant = view('choose-organisation-chosen').screen.organisations.find((o) => o.selected).tenant_id;
  await page.click(`[data-test=org-choice][data-tenant-id="${tenant}"] label`);
  check('choose_organisation sent with its tenant ID', (await events(page)).some((e) => e.event === 'choose_organisation' && e.tenant_id === tenant));
  await show(page, 'choose-organisation-chosen');
  await page.waitForSelector('#btn-next:not([disabled])');
  await page.click('#btn-next');
  await page.waitForSelector('.screen-test');
  await expectHeading('test');
  await page.click('#btn-test-connection');
  await show(page, 'test-green');
  await page.waitForSelector('#org-name');
  await page.waitForTimeout(300);
  const green = view('test-green').screen.result.organisation;
  check('test result: organisation name', (await page.textContent('#org-name')) === green.name);
  check('test result: tenant ID', (await page.textContent('#tenant-id')) === green.id);
  check('live region: Connected to …', (await page.textContent('#live')).includes(`Connected to ${green.name}`));
  check('focus kept on Test Connection', (await active(page)) === 'btn-test-connection');
  check('test result: the API that answered', (await page.textContent('#answered-by')) === view('test-green').screen.result.answered_by);
  await show(page, 'test-green-assets');
  await page.waitForSelector('#answered-by');
  await page.waitForTimeout(300);
  const assets = view('test-green-assets').screen.result;
  check('test result without the Organisation: name and API', (await page.textContent('#org-name')) === assets.organisation.name
    && (await page.textContent('#answered-by')) === assets.answered_by);
  const facts = await page.textContent('#test-result .facts');
  check('unknown country and currency are left out', !facts.includes('Country') && !facts.includes('Currency'));
  await page.context().close();
}

// ---- welcome: Reconnect asks which connection; unavailable explains itself ----
{
  const page = await open('welcome');
  await page.click('#btn-reconnect');
  await page.waitForSelector('[data-test=reconnect-choice]');
  check('Reconnect with several: focus on the first choice', (await active(page)) === 'btn-reconnect-0');
  check('a connection never tested shows no last test', (await page.locator('[data-test=saved-connection][data-name="pos-sync"] .last-test').count()) === 0);
  await page.click('[data-test=reconnect-choice][data-name="shop"]');
  await page.waitForSelector('.screen-create_app');
  check('start_reconnect with the chosen name', (await events(page)).some((e) => e.event === 'start_reconnect' && e.name === 'shop'));
  check('reconnect steps shown', (await page.textContent('#reconnect-steps')).includes('Generate another secret'));
  await page.context().close();

  const empty = await open('welcome-empty');
  await empty.click('#btn-reconnect', { force: true });
  await empty.waitForTimeout(200);
  check('Reconnect unavailable sends nothing', (await events(empty)).length === 0);
  check('…and says why', /no saved connection/.test(await empty.textContent('#btn-reconnect')) && /no saved connection/.test(await empty.textContent('#live')));
  await empty.click('#btn-practice');
  await empty.waitForSelector('#btn-first-setup');
  check('Practise calls practice_start', (await empty.evaluate(() => window.__mock.commands)).includes('practice_start'));
  await empty.context().close();
}

// ---- welcome: a setup left unfinished is continued, its secret pasted again ----
{
  const page = await open('welcome-unfinished');
  const u = view('welcome-unfinished').screen.unfinished;
  check('unfinished: "Continue where you left off" comes first', (await page.locator('.choices .choice').first().getAttribute('id')) === 'btn-continue-setup');
  check('unfinished: Rust\'s sentence under it', (await page.textContent('#btn-continue-setup-text')) === u.text);
  check('unfinished: First setup says it starts again', (await page.textContent('#btn-first-setup')).includes('Start a new setup'));
  await page.click('#btn-continue-setup');
  await page.waitForSelector('.screen-credentials');
  check('continue_setup sent', (await events(page)).at(-1).event === 'continue_setup');
  const kept = view('credentials-continued').screen;
  check('continued: the name and Client ID are back in the inputs', (await page.inputValue('#input-name')) === kept.name && (await page.inputValue('#input-client-id')) === kept.client_id);
  check('continued: the secret is asked for again', (await page.inputValue('#input-client-secret')) === '');
  await page.context().close();
}

// ---- practice mode: Rust fills the inputs in; the UI shows its values ----
{
  const page = await open('practice-credentials');
  await page.click('#btn-practice-fill');
  await page.waitForSelector('#btn-next:not([disabled])');
  check('practice fill: the Client ID Rust sent is in the input', (await page.inputValue('#input-client-id')) === view('practice-credentials-filled').screen.client_id);
  check('practice fill: the secret is kept hidden', (await page.inputValue('#input-client-secret')) === '' && (await page.getAttribute('#input-client-secret', 'placeholder')).startsWith('Already entered'));
  await page.context().close();
}

// ---- errors: rate limit countdown; consent denied tells itself; buttons send Rust's event ----
{
  const page = await open('test-rate-limited');
  const t1 = await page.textContent('#btn-error-action');
  check('rate limit: disabled, "Try again in N seconds"', (await page.isDisabled('#btn-error-action')) && /^Try again in \d+ seconds$/.test(t1), t1);
  check('rate limit: no second Test button around the countdown', (await page.locator('#btn-test-connection').count()) === 0);
  await page.waitForTimeout(1600);
  const t2 = await page.textContent('#btn-error-action');
  check('rate limit: counts down', Number(t2.match(/\d+/)?.[0]) < Number(t1.match(/\d+/)[0]), `${t1} → ${t2}`);
  check('error shows its sentence and small code', /limit of 60 calls a minute/.test(await page.textContent('#error-message')) && (await page.textContent('.error-code')) === 'code: rate_limited');
  await page.context().close();

  const denied = await open('consent-denied');
  check('denied: one Try again', (await denied.locator('#btn-try-again').count()) === 1 && (await denied.locator('#btn-error-action').count()) === 0);
  await denied.click('#btn-try-again');
  check('Try again sends allow_access', (await events(denied)).at(-1).event === 'allow_access');
  await denied.context().close();

  for (const name of ['test-disconnected', 'connections-shop-disconnected', 'consent-port-busy', 'connections-choice-needed', 'credentials-wrong-app-type']) {
    const p = await open(name);
    await p.click('#btn-error-action');
    const sent = (await events(p)).at(-1);
    check(`${name}: the error's button sends Rust's event unchanged`, JSON.stringify(sent) === JSON.stringify(view(name).error.action.event), JSON.stringify(sent));
    await p.context().close();
  }

  const waiting = await open('consent-waiting');
  const elapsed = await waiting.textContent('#busy-elapsed');
  check('busy shows elapsed mm:ss', /^00:0[4-6]$/.test(elapsed), elapsed);
  await waiting.context().close();

  const refresh = await open('connections-waiting-for-refresh');
  check('waiting for another refresh can be cancelled', (await refresh.locator('#btn-cancel').count()) === 1);
  await refresh.click('#btn-cancel');
  check('Cancel sends cancel', (await events(refresh)).at(-1).event === 'cancel');
  await refresh.context().close();

  const gone = await open('reconnect-organisation-gone');
  check('reconnect says why Xero\'s page is needed again', (await gone.textContent('#consent-reason')).includes('no longer connected'));
  await gone.context().close();
  const newId = await open('reconnect-choose-new-id');
  check('one same-named organisation is still chosen, its new ID shown', (await newId.locator('[data-test=org-choice]').count()) === 1 && await newId.isDisabled('#btn-next'));
  await newId.context().close();
}

// ---- connections: rename inline, disconnect dialog ----
{
  const page = await open('connections');
  await page.click('[data-test=connection-row][data-name="pos-sync"] [data-test=row-rename]');
  await page.waitForSelector('[data-test=rename-input]');
  check('rename: focus in the input', await page.evaluate(() => document.activeElement.dataset.test === 'rename-input'));
  await page.fill('[data-test=rename-input]', 'till');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#busy-label');
  check('rename sent', (await events(page)).some((e) => e.event === 'rename' && e.name === 'pos-sync' && e.new_name === 'till'));
  await show(page, 'connections-renamed');
  await page.waitForSelector('[data-test=connection-row][data-name="till"]');

  await page.click('[data-test=connection-row][data-name="shop"] [data-test=row-disconnect]');
  await page.waitForSelector('dialog[open][role=dialog][aria-modal=true]');
  check('dialog: focus on Keep it', (await active(page)) === 'btn-disconnect-cancel');
  check('dialog: the warning is Rust\'s', (await page.textContent('#dialog-text')) === view('connections-confirm').screen.confirm_disconnect.text);
  for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
  check('dialog: Tab stays inside', await page.evaluate(() => document.querySelector('dialog').contains(document.activeElement)));
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog', { state: 'detached' });
  check('Escape sends cancel_disconnect', (await events(page)).at(-1).event === 'cancel_disconnect');
  check('focus back on the row\'s Disconnect', (await active(page)) === 'disconnect:shop');
  await page.click('[data-test=connection-row][data-name="shop"] [data-test=row-disconnect]');
  await page.click('#btn-disconnect-confirm');
  await page.waitForSelector('#busy-label');
  check('confirm_disconnect sent', (await events(page)).at(-1).event === 'confirm_disconnect');
  await show(page, 'connections-after-disconnect');
  await page.waitForSelector('[data-test=connection-row][data-name="shop"]', { state: 'detached' });
  await settle(page);
  await page.click('[data-test=connection-row][data-name="till"] [data-test=row-test]');
  check('row Test Connection sends its name', (await events(page)).at(-1).name === 'till' && (await events(page)).at(-1).event === 'test_connection');
  await domRules(page, 'connections after actions');
  await page.context().close();
}

// ---- a vendor profile ----
{
  const heading = async (page) => (await page.textContent('#step-heading')) ?? '';
  const welcome = await open('profile-welcome');
  check('profile: the product names the welcome title', (await heading(welcome)) === 'Connect FieldCrew Jobs to Xero');
  await welcome.context().close();
  const create = await open('profile-create-app');
  check('profile: the create-app title names the product', (await heading(create)).includes('FieldCrew Jobs'));
  check('profile: only the app types it allows are offered', (await create.locator('[data-test=app-type-choice] input').count()) === 1);
  check('profile: the company URL is the vendor\'s, with Copy', (await create.textContent('#value-company-url')) === 'https://fieldcrew.example' && (await create.locator('#btn-copy-company-url').count()) === 1);
  check('profile: the app name is the vendor\'s', (await create.textContent('#value-app-name')) === 'FieldCrew Jobs');
  check('profile: both redirect URIs, each to copy', (await create.locator('[id^=btn-copy-redirect-uri-]').count()) === 2);
  await create.context().close();
  const scopes = await open('profile-scopes');
  check('profile: scopes are shown, not chosen', (await scopes.locator('input[type=checkbox]').count()) === 0);
  const listed = await scopes.locator('#scope-list li').allTextContents();
  check('profile: exactly the profile\'s scopes', JSON.stringify(listed) === JSON.stringify(view('profile-scopes').screen.scopes));
  await scopes.context().close();
  const failed = await open('profile-error');
  check('profile: a failure offers the vendor\'s support', (await failed.textContent('#support-address')) === 'https://fieldcrew.example/support' && (await failed.locator('#btn-copy-support').count()) === 1);
  await failed.context().close();
  const plain = await open('credentials-blocking');
  check('without a profile no support line is shown', (await plain.locator('#support').count()) === 0);
  await plain.context().close();
}

// ---- consent: finished on another device ----
{
  const page = await open('consent-waiting');
  check('paste-back is offered while waiting, folded', (await page.locator('#paste-back').count()) === 1 && !(await page.getAttribute('#paste-back', 'open')));
  await page.click('#paste-back summary');
  const address = 'http://localhost:8749/callback?code=the-code&state=s';
  await page.fill('#paste-address', `  ${address} `);
  await page.click('#btn-paste-address');
  const sent = (await events(page)).at(-1);
  check('the pasted address is sent as typed', sent.event === 'paste_address' && sent.address === `  ${address} `);
  check('and the field is emptied at once (it holds the code)', (await page.inputValue('#paste-address')) === '');
  await page.fill('#paste-address', address);
  await page.press('#paste-address', 'Enter');
  check('Enter sends it too', (await events(page)).at(-1).event === 'paste_address');
  await show(page, 'consent-paste-refused');
  await page.waitForSelector('#paste-problem');
  check('a refused paste: Rust\'s sentence, open, the field marked', (await page.textContent('#paste-problem')) === view('consent-paste-refused').screen.paste_problem
    && await page.getAttribute('#paste-back', 'open') !== null
    && (await page.getAttribute('#paste-address', 'aria-invalid')) === 'true');
  check('the refusal never repeats the code', !(await page.textContent('body')).includes('the-code'));
  await page.context().close();
}

// ---- connections: an authorisation about to lapse or lapsed, and broad scopes ----
{
  const page = await open('connections');
  const rows = view('connections').screen.connections;
  const row = (name) => `[data-test=connection-row][data-name="${name}"]`;
  const text = async (name, test) => (await page.textContent(`${row(name)} [data-test=${test}]`)) ?? '';
  const shop = rows.find((c) => c.name === 'shop');
  const soon = await text('shop', 'validity');
  check('lapsing soon: Rust\'s sentence and what to press', soon.includes(shop.authorisation.sentence) && soon.includes('Test Connection'));
  check('lapsing soon is a warning', (await page.getAttribute(`${row('shop')} [data-test=validity]`, 'class')).includes('notice'));
  const lapsed = await text('payroll-export', 'validity');
  check('lapsed: says so, and Reconnect', lapsed.includes('expired on') && lapsed.includes('Reconnect'));
  check('a custom connection shows no validity', (await page.locator(`${row('pos-sync')} [data-test=validity]`).count()) === 0);
  check('broad scopes flagged with the date', (await text('shop', 'broad-scopes')).includes('September 2027'));
  check('only the connection holding them', (await page.locator('[data-test=broad-scopes]').count()) === 1);
  await page.click(`${row('shop')} [data-test=row-granular]`);
  const sent = (await events(page)).at(-1);
  check('"Switch to granular scopes" starts a reconnect asking for them', sent.event === 'start_reconnect' && sent.name === 'shop' && sent.granular_scopes === true);
  await page.context().close();
  const welcome = await open('welcome');
  check('the welcome list points at what needs attention', (await welcome.locator('.saved-attention').count()) === 2);
  await welcome.context().close();
}

await browser.close();
server.kill();
console.log(`\nscreenshots: ${shots}/<view>-<light|dark>.png`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
