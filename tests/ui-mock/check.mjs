// Checks the wizard UI in headless Chromium against the fake backend (mock-tauri.js): renders
// every scenario at 800×600 in light and dark (screenshots for a human to look at), then checks
// the rules that matter: CSP-safe DOM, the secret sent only once, focus, disabled Next, dialog.
//
// Not part of CI. Needs Debian's chromium and playwright-core installed outside the repo:
//   apt-get install -y chromium && mkdir -p /tmp/uicheck && (cd /tmp/uicheck && npm i playwright-core)
//   PLAYWRIGHT_CORE_DIR=/tmp/uicheck/node_modules node tests/ui-mock/check.mjs
// Screenshots go to $UI_SHOTS (default /tmp/uicheck). Ends with "N passed, N failed".

import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const shots = process.env.UI_SHOTS ?? '/tmp/uicheck';
mkdirSync(shots, { recursive: true });

const require = createRequire(import.meta.url);
const pwDir = process.env.PLAYWRIGHT_CORE_DIR ?? '/tmp/uicheck/node_modules';
const { chromium } = require(existsSync(join(pwDir, 'playwright-core')) ? join(pwDir, 'playwright-core') : pwDir);
const { secretShape, visibleWhitespace } = await import(pathToFileURL(join(root, 'ui/js/shape.js')).href);

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
}

// ---- shape.js, without a browser ----
const shapeCases = [
  ['09afAFgzGZ', '0aaAAggGG'.slice(0, 0) + '00aaAAggGG'],
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
const base = `http://127.0.0.1:${port}/tests/ui-mock/index.html`;
for (let i = 0; i < 50; i++) {
  try { if ((await fetch(base)).ok) break; } catch { /* not up yet */ }
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

async function open(scenario, colorScheme = 'light') {
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
  await page.goto(`${base}?scenario=${scenario}`);
  await page.waitForSelector('#step-heading');
  return page;
}

const events = (page) => page.evaluate(() => window.__mock.events);
const active = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.dataset?.key || document.activeElement?.tagName);
const settle = (page, ms = 120) => page.waitForTimeout(ms);

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
  bad.push(...page.problems);
  check(`${label}: DOM rules`, bad.length === 0, bad.join('; '));
}

// ---- every scenario, light and dark ----
const scenarios = await (async () => {
  const p = await open('welcome');
  const names = await p.evaluate(() => window.__mock.scenarios);
  await p.context().close();
  return names;
})();
for (const scheme of ['light', 'dark']) {
  for (const name of scenarios) {
    const page = await open(name, scheme);
    if (name === 'connections_confirm') await page.waitForSelector('dialog[open]');
    await settle(page, 250);
    // Before the screenshot: taking one leaves an empty style="" on inputs (caret hiding).
    await domRules(page, `${name} (${scheme})`);
    await page.screenshot({ path: join(shots, `${name}-${scheme}.png`) });
    await page.context().close();
  }
}

// ---- the secret: shapes while typing, sent once on Next, input emptied ----
{
  const SECRET = 'hK7_vQ2-pL9zXw3RmT8yNc4BfJ6dGs1AeU5kYq0oPi4WtZ2x ';
  const page = await open('credentials');
  check('load: focus on the heading', (await active(page)) === 'step-heading');
  await page.fill('#input-client-id', '');
  await page.type('#input-client-id', '1A2B3C4D5E6F708192A3B4C5D6E7F809');
  await page.type('#input-client-secret', SECRET, { delay: 5 });
  await settle(page, 300);
  const edits = (await events(page)).filter((e) => e.event === 'credentials_edited');
  check('typing sends credentials_edited', edits.length >= SECRET.length);
  const windows = Array.from({ length: SECRET.length - 5 }, (_, i) => SECRET.slice(i, i + 6));
  const leaked = edits.filter((e) => windows.some((w) => JSON.stringify(e).includes(w)));
  check('credentials_edited never carries the secret (or 6 characters of it)', leaked.length === 0, JSON.stringify(leaked[0]));
  check('last shape is the secret\'s shape', edits.at(-1).secret_shape === secretShape(SECRET), edits.at(-1).secret_shape);
  await page.waitForSelector('[data-test=problem][data-severity=notice]');
  const preview = await page.textContent('#preview-input-client-secret');
  check('trailing space shown visibly, secret masked', preview.includes('␣') && preview.includes('•') && !windows.some((w) => preview.includes(w)), preview);
  const html = await page.content();
  check('secret not in the DOM', !windows.some((w) => html.includes(w)));
  await page.click('#btn-show-secret');
  check('Show reveals (aria-pressed=true, type=text)', (await page.getAttribute('#btn-show-secret', 'aria-pressed')) === 'true' && (await page.getAttribute('#input-client-secret', 'type')) === 'text');
  await page.click('#btn-show-secret');
  check('Show again hides', (await page.getAttribute('#input-client-secret', 'type')) === 'password');

  // A blocking problem disables Next, and Enter does not submit.
  await page.fill('#input-client-id', 'ABC');
  await page.waitForSelector('[data-test=problem][data-severity=blocking]');
  check('Next disabled while a blocking problem is shown', await page.isDisabled('#btn-next'));
  check('blocking problem is a sentence', /Client ID should be 32 characters/.test(await page.textContent('[data-severity=blocking]')));
  await page.focus('#input-client-id');
  await page.keyboard.press('Enter');
  await settle(page);
  check('Enter with a blocking problem submits nothing', !(await events(page)).some((e) => e.event === 'submit_credentials'));
  await page.fill('#input-client-id', '1A2B3C4D5E6F708192A3B4C5D6E7F809');
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
  await page.click('#btn-copy-redirect-uri-0');
  check('Copy says Copied', (await page.textContent('#btn-copy-redirect-uri-0')) === 'Copied');
  check('clipboard got the redirect URI', (await page.evaluate(() => window.__mock.copied)).includes('http://localhost:8749/callback'));
  await page.click('#btn-next');
  await page.waitForSelector('.screen-credentials');
  await expectHeading('credentials');
  await page.click('#btn-practice-fill');
  await page.waitForSelector('#input-client-secret[disabled]');
  check('practice fill: ID filled, secret placeholder', (await page.inputValue('#input-client-id')) === '1A2B3C4D5E6F708192A3B4C5D6E7F809'
    && (await page.getAttribute('#input-client-secret', 'placeholder')) === 'Filled in by practice mode');
  await page.click('#btn-next');
  await page.waitForSelector('.screen-scopes');
  check('practice submit sends an empty secret', (await events(page)).find((e) => e.event === 'submit_credentials').client_secret === '');
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
  await page.waitForSelector('#btn-open-again');
  await expectHeading('consent waiting');
  await page.waitForTimeout(300);
  check('live region says we are waiting', /Waiting for you to allow access in Xero/.test(await page.textContent('#live')));
  check('one Cancel while waiting', (await page.locator('#btn-cancel').count()) === 1);
  await page.click('#btn-copy-link');
  check('Copy link copies the consent URL', (await page.evaluate(() => window.__mock.copied.at(-1))).startsWith('https://login.xero.com/'));
  await page.evaluate(() => window.__mock.show('choose_organisation'));
  await page.waitForSelector('.screen-choose_organisation');
  await expectHeading('choose_organisation (pushed)');
  check('Next disabled until an organisation is chosen', await page.isDisabled('#btn-next'));
  await page.click(`[data-test=org-choice][data-tenant-id="a3f9b2d4-1c7e-4e88-b0a5-2d6c9e1f4a70"] label`);
  await page.waitForSelector('#btn-next:not([disabled])');
  check('choose_organisation sent with its tenant ID', (await events(page)).some((e) => e.event === 'choose_organisation' && e.tenant_id === 'a3f9b2d4-1c7e-4e88-b0a5-2d6c9e1f4a70'));
  await page.click('#btn-next');
  await page.waitForSelector('.screen-test');
  await expectHeading('test');
  await page.click('#btn-test-connection');
  await page.waitForSelector('#org-name');
  await page.waitForTimeout(300);
  check('test result: organisation name', (await page.textContent('#org-name')) === 'Demo Company (AU)');
  check('test result: tenant ID', (await page.textContent('#tenant-id')) === 'e41fc531-225c-4f90-947a-b82640da4dd9');
  check('live region: Connected to …', /Connected to Demo Company \(AU\)/.test(await page.textContent('#live')));
  check('focus kept on Test Connection', (await active(page)) === 'btn-test-connection');
  await page.click('#btn-done');
  await page.waitForSelector('.screen-welcome');
  await expectHeading('back to welcome');
  await page.context().close();
}

// ---- welcome: Reconnect asks which connection; unavailable explains itself ----
{
  const page = await open('welcome');
  await page.click('#btn-reconnect');
  await page.waitForSelector('[data-test=reconnect-choice]');
  check('Reconnect with several: focus on the first choice', (await active(page)) === 'btn-reconnect-0');
  await page.click('[data-test=reconnect-choice][data-name="payroll-export"]');
  await page.waitForSelector('.screen-create_app');
  check('start_reconnect with the chosen name', (await events(page)).some((e) => e.event === 'start_reconnect' && e.name === 'payroll-export'));
  check('reconnect steps shown', (await page.textContent('#reconnect-steps')).includes('Generate another secret'));
  await page.context().close();

  const empty = await open('welcome_empty');
  await empty.click('#btn-reconnect', { force: true });
  await empty.waitForTimeout(200);
  check('Reconnect unavailable sends nothing', (await events(empty)).length === 0);
  check('…and says why', /no saved connection/.test(await empty.textContent('#btn-reconnect')) && /no saved connection/.test(await empty.textContent('#live')));
  await empty.click('#btn-practice');
  await empty.waitForTimeout(100);
  check('Practise calls practice_start', (await empty.evaluate(() => window.__mock.commands)).includes('practice_start'));
  await empty.context().close();
}

// ---- errors: rate limit countdown; consent denied has one Try again ----
{
  const page = await open('test_rate_limited');
  const t1 = await page.textContent('#btn-error-action');
  check('rate limit: disabled, "Try again in N seconds"', (await page.isDisabled('#btn-error-action')) && /^Try again in \d+ seconds$/.test(t1), t1);
  await page.waitForTimeout(1600);
  const t2 = await page.textContent('#btn-error-action');
  check('rate limit: counts down', Number(t2.match(/\d+/)?.[0]) < Number(t1.match(/\d+/)[0]), `${t1} → ${t2}`);
  check('error shows its sentence and small code', /rate limit/.test(await page.textContent('#error-message')) && (await page.textContent('.error-code')) === 'code: rate_limited');
  await page.context().close();

  const denied = await open('consent_denied');
  check('denied: one Try again', (await denied.locator('#btn-try-again').count()) === 1 && (await denied.locator('#btn-error-action').count()) === 0);
  await denied.click('#btn-try-again');
  check('Try again sends allow_access', (await events(denied)).at(-1).event === 'allow_access');
  await denied.context().close();

  const invalid = await open('test_invalid_client');
  await invalid.click('#btn-error-action');
  const last = (await events(invalid)).at(-1);
  check('error action sends its event verbatim', last.event === 'start_reconnect' && last.name === 'shop');
  await invalid.context().close();

  const waiting = await open('consent_waiting');
  const elapsed = await waiting.textContent('#busy-elapsed');
  check('busy shows elapsed mm:ss', /^00:0[4-6]$/.test(elapsed), elapsed);
  await waiting.context().close();
}

// ---- connections: rename inline, disconnect dialog ----
{
  const page = await open('connections');
  await page.click('[data-test=connection-row][data-name="pos-sync"] [data-test=row-rename]');
  await page.waitForSelector('[data-test=rename-input]');
  check('rename: focus in the input', await page.evaluate(() => document.activeElement.dataset.test === 'rename-input'));
  await page.fill('[data-test=rename-input]', 'till');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-test=connection-row][data-name="till"]');
  check('rename sent', (await events(page)).some((e) => e.event === 'rename' && e.name === 'pos-sync' && e.new_name === 'till'));
  check('focus back on the renamed row\'s Rename', (await active(page)) === 'rename:till');

  await page.click('[data-test=connection-row][data-name="shop"] [data-test=row-disconnect]');
  await page.waitForSelector('dialog[open][role=dialog][aria-modal=true]');
  check('dialog: focus on Keep it', (await active(page)) === 'btn-disconnect-cancel');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
  check('dialog: Tab stays inside', await page.evaluate(() => document.querySelector('dialog').contains(document.activeElement)));
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog', { state: 'detached' });
  check('Escape sends cancel_disconnect', (await events(page)).at(-1).event === 'cancel_disconnect');
  check('focus back on the row\'s Disconnect', (await active(page)) === 'disconnect:shop');
  await page.click('[data-test=connection-row][data-name="shop"] [data-test=row-disconnect]');
  await page.click('#btn-disconnect-confirm');
  await page.waitForSelector('[data-test=connection-row][data-name="shop"]', { state: 'detached' });
  check('confirm_disconnect removes the row', (await events(page)).at(-1).event === 'confirm_disconnect');
  check('focus on the heading when the row is gone', (await active(page)) === 'step-heading');
  await page.click('[data-test=connection-row][data-name="till"] [data-test=row-test]');
  check('row Test Connection sends its name', (await events(page)).at(-1).name === 'till' && (await events(page)).at(-1).event === 'test_connection');
  await domRules(page, 'connections after actions');
  await page.context().close();
}

await browser.close();
server.kill();
console.log(`\nscreenshots: ${shots}/<scenario>-<light|dark>.png`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
