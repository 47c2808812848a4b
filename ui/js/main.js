// Boots the wizard window and owns the page shell: banner, "Step N of M", the live region, and
// one <form> per screen (scrolling content + a footer with Back/Next). Renders the View from
// Rust after every user event and every pushed update; moves focus to the heading when the
// screen changes, and keeps focus and scroll where they were when the same screen refreshes.
//
// The UI only renders. Every decision is Rust's (crates/xero-connect/src/wizard): which screen,
// what it says, whether Next may be pressed, which button fixes an error. The UI sends
// UserEvents (events.js) and draws the View it gets back; it keeps only what is purely local
// (focus, a half-typed rename, whether a disclosure is open).
//
// The screen contract: SCREENS maps `view.screen.kind` to a module with
//   build(view, ctx) -> { title, lead?, body, footer?, onSubmit?, dialog?, mounted?, focus? }
//       title: the heading's text; lead: a sentence or an element under it; body and footer:
//       elements (null entries are skipped); onSubmit: what Enter / the submit button does;
//       dialog: a <dialog> to mount; mounted: called once it is in the page; focus: the element
//       to focus after a re-render of the same screen (else focus stays, or goes to the heading
//       when the screen is new).
//   update(view, ctx) -> bool     optional: redraw in place (keeps typing undisturbed); false
//                                 means build afresh.
//   ownsError(view) -> bool       optional: the screen tells view.error itself (no error box).
//   announce(view) -> string|null optional: what the live region should say.
// ctx gives send(event), practice(), copy(text), announce(text), rerender() for local changes,
// `entered` (the screen is new) and `local` (this render is a local change, not Rust's).

import * as bridge from './bridge.js';
import * as ev from './events.js';
import { el } from './dom.js';
import { announce, initLive } from './a11y.js';
import { busyBox, errorBox, statusWords, stopTimers, supportLine } from './status.js';
import { button } from './widgets.js';
import welcome from './screens/welcome.js';
import { createApp, scopes } from './screens/setup.js';
import credentials from './screens/credentials.js';
import { consent, chooseOrganisation } from './screens/consent.js';
import test from './screens/test.js';
import connections from './screens/connections.js';
import checkup from './screens/checkup.js';

const SCREENS = {
  welcome,
  create_app: createApp,
  credentials,
  scopes,
  consent,
  choose_organisation: chooseOrganisation,
  test,
  connections,
  checkup,
};

const shell = {};
let current = { key: null, view: null, screen: null, spec: null, said: '' };
let seq = 0;

function buildShell() {
  shell.banner = el('div', { id: 'banner', class: 'banner', role: 'note', hidden: true });
  shell.progress = el('p', { id: 'progress', class: 'progress', hidden: true });
  shell.steps = el('span', { class: 'steps', 'aria-hidden': 'true' });
  shell.live = el('div', { id: 'live', class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
  shell.main = el('main', { id: 'main', class: 'main' });
  document.body.append(el('div', { id: 'app', class: 'app' },
    shell.banner,
    el('header', { class: 'topbar' },
      el('span', { class: 'app-name', text: 'xero-connect' }),
      el('div', { class: 'topbar-progress' }, shell.progress, shell.steps)),
    shell.live,
    shell.main));
  initLive(shell.live);
}

function showChrome(view) {
  shell.banner.hidden = !view.banner;
  shell.banner.textContent = view.banner ?? '';
  const p = view.progress;
  shell.progress.hidden = !p;
  shell.progress.textContent = p ? `Step ${p.step} of ${p.of}` : '';
  shell.steps.replaceChildren(...(p ? Array.from({ length: p.of }, (_, i) =>
    el('span', { class: i + 1 < p.step ? 'step done' : i + 1 === p.step ? 'step now' : 'step' })) : []));
}

// The consent step's states read as different pages (different heading and buttons), so a
// change of state counts as a new screen for focus.
const screenKey = (view) => (view.screen.kind === 'consent' ? `consent:${view.screen.state}` : view.screen.kind);

const focusKey = (node) => (node && node !== document.body ? node.id || node.dataset?.key || '' : '');

function findByKey(key) {
  if (!key) return null;
  return document.getElementById(key) ?? [...document.querySelectorAll('[data-key]')].find((n) => n.dataset.key === key);
}

function context(local, entered) {
  return {
    send,
    practice: () => call(bridge.practiceStart),
    copy: bridge.copyText,
    announce,
    local,
    entered,
    rerender: () => render(current.view, true),
  };
}

function mount(spec, kind) {
  spec.heading = el('h1', { id: 'step-heading', class: 'step-heading', tabIndex: -1, text: spec.title });
  spec.status = el('div', { class: 'status-slot' });
  spec.scroll = el('div', { class: 'scroll' },
    el('div', { class: 'content' },
      spec.heading,
      typeof spec.lead === 'string' ? el('p', { class: 'lead', text: spec.lead }) : spec.lead,
      spec.status,
      spec.body));
  const form = el('form', {
    id: 'screen',
    class: `screen screen-${kind}`,
    noValidate: true,
    'aria-labelledby': 'step-heading',
    on: { submit: (e) => { e.preventDefault(); spec.onSubmit?.(); } },
  },
  spec.scroll,
  spec.footer?.length ? el('div', { class: 'footer' }, el('div', { class: 'footer-inner' }, spec.footer)) : null,
  spec.dialog);
  shell.main.replaceChildren(form);
}

// Views are numbered in the order Rust built them. The answer to a click can arrive after a view
// Rust pushed later (the work finished meanwhile); drawing it would step back in time.
let newestSeq = -1;

function render(view, local = false) {
  if (view.seq < newestSeq) return;
  newestSeq = view.seq;
  const screen = SCREENS[view.screen.kind] ?? unknownScreen;
  const key = screenKey(view);
  const entered = key !== current.key;
  const focusWas = focusKey(document.activeElement);
  const scrollWas = current.spec?.scroll?.scrollTop ?? 0;
  const ctx = context(local, entered);
  stopTimers();
  showChrome(view);

  const inPlace = !entered && current.screen === screen && Boolean(screen.update?.(view, ctx));
  const spec = inPlace ? current.spec : screen.build(view, ctx);
  if (!inPlace) mount(spec, view.screen.kind);
  // A screen that tells the error in its own words (e.g. consent denied) owns it; else the box.
  const ownsError = screen.ownsError?.(view) ?? false;
  // With a vendor profile, every failure also says where its users get help.
  spec.status.replaceChildren(
    ...[view.busy && busyBox(view.busy, ctx), view.error && !ownsError && errorBox(view.error, ctx),
      view.error && view.support && supportLine(view, ctx)].filter(Boolean));
  current = { ...current, key, view, screen, spec };

  if (!inPlace) {
    spec.mounted?.();
    if (entered) {
      spec.heading.focus();
    } else {
      spec.scroll.scrollTop = scrollWas;
      const target = spec.focus ?? findByKey(focusWas) ?? (focusWas ? spec.heading : null);
      target?.focus({ preventScroll: !spec.focus });
      // The control that had focus is gone or disabled: the heading is the next best place.
      if (focusWas && document.activeElement === document.body) spec.heading.focus({ preventScroll: true });
    }
  }

  const words = [...statusWords(view), screen.announce?.(view)].filter(Boolean).join(' ');
  if (words && words !== current.said) announce(words);
  current.said = words;
}

const send = (event) => call(() => bridge.send(event));

async function call(request) {
  const mine = ++seq;
  try {
    const view = await request();
    // A newer event was sent meanwhile (fast typing): only its answer is current.
    if (mine === seq) render(view);
  } catch (err) {
    if (mine === seq) showFailure(err);
  }
}

/** A command failed: Rust's {code, message} when it sent one, else a sentence of our own. */
function showFailure(err) {
  const described = typeof err?.message === 'string' && typeof err?.code === 'string';
  const message = described
    ? err.message
    : 'The app did not respond. Try again; if it keeps happening, close xero-connect and open it again.';
  const box = el('div', { id: 'error-box', class: 'error-box' },
    el('p', { id: 'error-message', class: 'error-message', text: message }),
    described ? el('p', { class: 'error-code', text: `code: ${err.code}` }) : null);
  if (current.spec) {
    current.spec.status.replaceChildren(box);
  } else {
    // Nothing drawn yet: the wizard could not start (a bad XERO_*_URL, no settings folder).
    const heading = el('h1', { id: 'step-heading', class: 'step-heading', tabIndex: -1, text: 'The wizard could not start' });
    shell.main.replaceChildren(el('div', { class: 'content' }, heading, box));
    heading.focus();
  }
  announce(message);
}

const unknownScreen = {
  build: (view, ctx) => ({
    title: 'This step is not available',
    lead: 'This window is older than the app. Go back to the start and try again.',
    body: [],
    footer: [button('Back to start', { id: 'btn-home', kind: 'primary', onClick: () => ctx.send(ev.home()) })],
  }),
};

// The first view comes with the page, so the Welcome screen is in the first paint; then the page
// keeps asking for the views that background work produces.
function boot() {
  buildShell();
  if (!bridge.available()) {
    shell.main.replaceChildren(el('div', { class: 'content' },
      el('h1', { id: 'step-heading', class: 'step-heading', tabIndex: -1, text: 'Open this from the xero-connect app' }),
      el('p', { class: 'lead', text: 'This page is the setup window of xero-connect and works only inside the app.' })));
    return;
  }
  const first = bridge.firstView();
  if (first?.error) {
    showFailure(first.error);
    return;
  }
  if (first?.view) render(first.view);
  else call(bridge.getView);
  bridge.watchViews(() => newestSeq, (view) => render(view)).catch(showFailure);
}

boot();
