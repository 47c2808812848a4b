// The consent step in its four states (ready, waiting, denied, timed out) and the choice of
// organisation that follows it. The spinner and elapsed time while waiting come from `busy`,
// drawn by the shell; this module adds Open again, Copy link and the calm retry screens.

import { el } from '../dom.js';
import * as ev from '../events.js';
import { backButton as back, button, copyButton, nextButton, radioCards, section, spacer, valueRow } from '../widgets.js';

const tryAgain = (ctx) => button('Try again', { id: 'btn-try-again', kind: 'primary', onClick: () => ctx.send(ev.allowAccess()) });

const TITLES = {
  ready: 'Allow access in Xero',
  waiting: 'Waiting for you in Xero',
  denied: 'Access was not allowed',
  timed_out: 'Xero did not answer in time',
};

function ready(s, ctx) {
  return {
    lead: 'Your browser will open Xero\'s page. Sign in, tick the organisation(s) this software may use, and press "Allow access". Then come back to this window.',
    body: [el('p', { class: 'muted', text: 'Nothing is shared until you press "Allow access" on Xero\'s page.' })],
    footer: [back(ctx), spacer(),
      button('Allow access', { id: 'btn-allow-access', kind: 'primary', onClick: () => ctx.send(ev.allowAccess()) })],
  };
}

// "Finished on another device?": for a remote desktop or a browser elsewhere, whose redirect to
// this computer's localhost cannot load. Rust checks the pasted address as the listener checks
// a request and says why when it is not the answer; the wait goes on either way. What is typed
// and whether the section is open survive a redraw (views keep arriving while Xero is waited
// for); both are forgotten when the screen is left.
let pasteDraft = '';
let pasteOpen = false;

function pasteBack(s, ctx) {
  const field = el('input', {
    id: 'paste-address', type: 'text', autocomplete: 'off', spellcheck: false, inputMode: 'url', value: pasteDraft,
    'aria-describedby': s.paste_problem ? 'paste-help paste-problem' : 'paste-help',
    'aria-invalid': s.paste_problem ? 'true' : null,
    on: { input: (e) => { pasteDraft = e.target.value; } },
  });
  const send = () => {
    const address = field.value;
    // The address holds the authorization code: it leaves the page at once.
    field.value = '';
    pasteDraft = '';
    if (address.trim()) ctx.send(ev.pasteAddress(address));
  };
  field.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); send(); } });
  const details = el('details', { class: 'paste-back', id: 'paste-back', open: pasteOpen || Boolean(s.paste_problem || s.https_forced) },
    el('summary', { text: 'Finished on another device? Paste the address your browser ended on' }),
    el('p', { id: 'paste-help', class: 'small muted', text: 'After "Allow access", a browser on another computer ends on an address starting with http://localhost that does not load. Copy that whole address from its address bar and paste it here.' }),
    el('label', { for: 'paste-address', class: 'small', text: 'Address the browser ended on' }),
    el('div', { class: 'with-button' }, field,
      button('Continue', { id: 'btn-paste-address', onClick: send })),
    s.paste_problem ? el('p', { id: 'paste-problem', class: 'field-error', role: 'alert', text: s.paste_problem }) : null);
  details.addEventListener('toggle', () => { pasteOpen = details.open; });
  return details;
}

function waiting(s, view, ctx) {
  return {
    lead: 'Finish in the browser: sign in to Xero, choose the organisation and press "Allow access". This window carries on by itself.',
    body: [
      // Why the wizard came here by itself (an expired authorisation, an organisation gone).
      s.reason ? el('p', { id: 'consent-reason', class: 'notice', text: s.reason }) : null,
      // The browser forced https on this computer's address: told at once, the wait goes on.
      s.https_forced ? el('p', { id: 'https-forced', class: 'notice', role: 'alert', text: s.https_forced }) : null,
      el('div', { class: 'actions-row' },
        button('Open again', { id: 'btn-open-again', onClick: () => ctx.send(ev.openAgain()) }),
        s.url ? copyButton(ctx, s.url, 'link', 'btn-copy-link', 'Copy link') : null),
      s.url ? el('p', { class: 'small muted', text: 'No browser window opened? Copy the link and paste it into your browser\'s address bar.' }) : null,
      pasteBack(s, ctx),
    ],
    // The busy strip has its own Cancel when the wait can be cancelled; never show two.
    footer: view.busy?.cancellable ? [] : [spacer(), button('Cancel', { id: 'btn-cancel', onClick: () => ctx.send(ev.cancel()) })],
  };
}

// After a denial or timeout the screen says what happened itself, calmly, with the error's
// sentence when there is one; its own "Try again" is the error's action (allow_access).
const ownLead = (view, fallback) => (view.error
  ? el('p', { class: 'lead', id: 'error-message', text: view.error.message })
  : fallback);

function denied(s, view, ctx) {
  return {
    lead: ownLead(view, 'Access was not allowed on Xero\'s page, so nothing was connected and nothing was changed.'),
    body: [el('p', { class: 'muted', text: 'Nothing was connected. If that was not what you meant, press "Try again" and choose "Allow access" on Xero\'s page.' })],
    footer: [back(ctx), spacer(), tryAgain(ctx)],
  };
}

function timedOut(s, view, ctx) {
  return {
    lead: ownLead(view, 'This window heard nothing back from Xero, so nothing was connected.'),
    body: [
      el('h2', { class: 'block-title', text: 'What usually causes this, most likely first' }),
      el('ol', { class: 'hints', id: 'timeout-hints' }, s.hints.map((h) => el('li', { text: h }))),
      // The network or this computer may be why nothing came back: its own checks are a click away.
      el('p', {}, button('Check this computer', { id: 'btn-timeout-check', kind: 'link', onClick: () => ctx.send(ev.checkComputer()) })),
      s.redirect_uri ? section('Redirect URI this window listens on',
        el('div', { class: 'values' }, valueRow(ctx, 'Redirect URI', s.redirect_uri, { copyId: 'btn-copy-redirect-uri', what: 'redirect URI', valueId: 'value-redirect-uri' }))) : null,
    ],
    footer: [back(ctx), spacer(), tryAgain(ctx)],
  };
}

export const consent = {
  build(view, ctx) {
    const s = view.screen;
    if (ctx.entered || s.state !== 'waiting') { pasteDraft = ''; pasteOpen = false; }
    const parts = { ready: () => ready(s, ctx), waiting: () => waiting(s, view, ctx), denied: () => denied(s, view, ctx), timed_out: () => timedOut(s, view, ctx) }[s.state]();
    return { title: TITLES[s.state] ?? 'Allow access in Xero', ...parts };
  },
  // Rust says when this screen tells the error itself (a denial or a timeout, with Try again).
  ownsError: (view) => Boolean(view.error?.told_by_screen),
  announce(view) {
    const s = view.screen.state;
    if (view.error) return null; // the shell announces the error's sentence
    if (s === 'waiting' && !view.busy) return 'Waiting for you to allow access in Xero.';
    if (s === 'denied') return 'Access was not allowed in Xero.';
    if (s === 'timed_out') return 'Xero did not answer in time.';
    return null;
  },
};

const tenantType = (t) => (t ? t.charAt(0) + t.slice(1).toLowerCase() : 'Organisation');

export const chooseOrganisation = {
  build(view, ctx) {
    const { organisations: orgs, reason } = view.screen;
    const count = (name) => orgs.filter((o) => o.name === name).length;
    const chosen = orgs.some((o) => o.selected);
    return {
      title: 'Choose the organisation',
      lead: reason
        ? el('p', { class: 'lead', id: 'choose-reason', text: reason })
        : 'Xero allowed access to more than one organisation. Choose the one this connection should use.',
      body: [
        radioCards({
          id: 'organisations',
          name: 'organisation',
          idPrefix: 'org',
          legend: 'Organisations',
          legendClass: 'sr-only',
          test: 'org-choice',
          choices: orgs.map((o) => ({
            value: o.tenant_id, title: o.name, checked: o.selected, data: { 'data-tenant-id': o.tenant_id },
            text: [`${tenantType(o.tenant_type)} · ID `, el('span', { class: 'mono', text: o.tenant_id }),
              // Two organisations can share a name; only the ID tells them apart.
              count(o.name) > 1 ? el('span', { class: 'same-name', text: ' · same name as another: check the ID' }) : null],
          })),
          onChoose: (tenantId) => ctx.send(ev.chooseOrganisation(tenantId)),
        }),
        el('div', { class: 'actions-row' },
          button('Add another organisation', { id: 'btn-add-organisation', onClick: () => ctx.send(ev.addOrganisation()) })),
      ],
      footer: [spacer(), nextButton({ disabled: !chosen })],
      onSubmit: () => chosen && ctx.send(ev.next()),
    };
  },
};
