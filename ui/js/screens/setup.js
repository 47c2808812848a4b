// Two steps of the setup path that only guide and choose: create_app (what to do in Xero's
// developer portal, with Copy buttons, or the reconnect steps for a new secret) and scopes
// (API presets, with the exact scopes under "Advanced").

import { el } from '../dom.js';
import * as ev from '../events.js';
import { backButton, button, callout, copyButton, nextButton, radioCards, section, spacer, valueRow } from '../widgets.js';

function portalBlock(guide, ctx) {
  return el('div', { class: 'portal' },
    button('Open Xero developer portal', { id: 'btn-open-portal', kind: 'strong', onClick: () => ctx.send(ev.openPortal()) }),
    el('p', { class: 'small muted' }, 'Opens ', el('span', { class: 'mono', text: guide.portal_url }), ' in your browser. Keep this window open beside it.'));
}

function appTypeChoice(guide, ctx) {
  return radioCards({
    id: 'app-type',
    name: 'app-type',
    legend: 'Integration type',
    test: 'app-type-choice',
    choices: guide.app_type_choices.map((c) => ({
      key: c.app_type, value: c.app_type, title: c.label, text: c.explanation,
      checked: c.app_type === guide.app_type, data: { 'data-app-type': c.app_type },
    })),
    onChoose: (appType) => ctx.send(ev.chooseAppType(appType)),
  });
}

function valuesBlock(guide, ctx) {
  return section('Values to enter in the portal',
    el('div', { class: 'values' },
      valueRow(ctx, 'App name', guide.app_name, { copyId: 'btn-copy-app-name', valueId: 'value-app-name' }),
      // A vendor profile gives the exact URL to copy; otherwise the user's own site is meant.
      guide.company_url
        ? valueRow(ctx, 'Company or application URL', guide.company_url, { copyId: 'btn-copy-company-url', what: 'company URL', valueId: 'value-company-url' })
        : el('div', { class: 'value-row' },
          el('span', { class: 'value-label', text: 'Company or application URL' }),
          el('span', { class: 'value-cell', text: guide.company_url_hint })),
      guide.redirect_uris.map((uri, i) => valueRow(ctx, guide.redirect_uris.length > 1 ? `Redirect URI ${i + 1}` : 'Redirect URI', uri,
        { copyId: `btn-copy-redirect-uri-${i}`, what: 'redirect URI', valueId: `value-redirect-uri-${i}` })),
      guide.scopes.length
        ? valueRow(ctx, 'Scopes', guide.scopes.join(' '), { copyId: 'btn-copy-scopes', what: 'scopes', valueId: 'value-scopes', long: true })
        : null));
}

// Rust sends the secret's warning apart from the tips (guide.secret_tip): it is shown as a box.
const secretWarning = (text) => callout('warning', 'Copy the client secret as soon as Xero shows it', text);

export const createApp = {
  build(view, ctx) {
    const { guide, reconnect, reconnect_steps: reconnectSteps } = view.screen;
    const { tips } = guide;
    const body = reconnect
      ? [
        portalBlock(guide, ctx),
        section('In the portal', el('ol', { class: 'steps-list', id: 'reconnect-steps' }, reconnectSteps.map((s) => el('li', { text: s })))),
        guide.secret_tip ? secretWarning(guide.secret_tip) : null,
      ]
      : [
        portalBlock(guide, ctx),
        appTypeChoice(guide, ctx),
        section('In the portal', el('ol', { class: 'steps-list', id: 'guide-steps' }, guide.steps.map((s) => el('li', { text: s })))),
        valuesBlock(guide, ctx),
        guide.secret_tip ? secretWarning(guide.secret_tip) : null,
        tips.length ? section('Before you start', el('ul', { class: 'tips' }, tips.map((t) => el('li', { text: t })))) : null,
      ];
    return {
      title: reconnect ? 'Generate a new client secret' : `Create an app in Xero${guide.product ? ` for ${guide.product}` : ''}`,
      lead: reconnect
        ? 'Reconnecting needs a new client secret from the same app in Xero\'s developer portal.'
        : 'Xero needs an app registered for this connection. Create it in the developer portal with the values below.',
      body,
      footer: [backButton(ctx), spacer(), nextButton()],
      onSubmit: () => ctx.send(ev.next()),
    };
  },
};

// A vendor profile fixes the scopes: they are shown, not chosen.
function fixedScopes(product, list, ctx) {
  return {
    title: 'What the connection may use',
    lead: `${product} uses exactly these parts of Xero. Xero will ask you to allow them, and nothing else.`,
    body: [
      el('ul', { class: 'scope-list', id: 'scope-list' }, list.map((s) => el('li', { class: 'mono', text: s }))),
      copyButton(ctx, list.join(' '), 'scopes', 'btn-copy-scopes'),
    ],
    footer: [backButton(ctx), spacer(), nextButton()],
    onSubmit: () => ctx.send(ev.next()),
  };
}

export const scopes = {
  build(view, ctx) {
    const { apis, scopes: list, fixed_by: fixedBy } = view.screen;
    if (fixedBy) return fixedScopes(fixedBy, list, ctx);
    // Ticking a box re-renders the screen: keep "Advanced" as the user left it.
    const advancedOpen = !ctx.entered && Boolean(document.getElementById('advanced')?.open);
    return {
      title: 'Choose what the connection may use',
      lead: 'Tick the parts of Xero your business software works with. Xero will ask you to allow exactly these.',
      body: [
        el('fieldset', { class: 'checks', id: 'apis' },
          el('legend', { class: 'block-title', text: 'Parts of Xero' }),
          apis.map((a) => {
            const id = `api-${a.api}`;
            return el('div', { class: 'check', test: 'api-choice', 'data-api': a.api },
              el('input', { type: 'checkbox', id, checked: a.checked, on: { change: () => ctx.send(ev.toggleApi(a.api)) } }),
              el('label', { for: id, text: a.label }));
          })),
        el('details', { class: 'advanced', id: 'advanced', open: advancedOpen },
          el('summary', { id: 'advanced-summary', text: 'Advanced' }),
          el('p', { class: 'small muted', text: `The exact scopes this connection asks for (${list.length}):` }),
          el('ul', { class: 'scope-list', id: 'scope-list' }, list.map((s) => el('li', { class: 'mono', text: s }))),
          copyButton(ctx, list.join(' '), 'scopes', 'btn-copy-scopes')),
      ],
      footer: [backButton(ctx), spacer(), nextButton()],
      onSubmit: () => ctx.send(ev.next()),
    };
  },
};
