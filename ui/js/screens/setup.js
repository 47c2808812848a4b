// Two steps of the setup path that only guide and choose: create_app (what to do in Xero's
// developer portal, with Copy buttons, or the reconnect steps for a new secret) and scopes
// (API presets, with the exact scopes under "Advanced").

import { el } from '../dom.js';
import { button, callout, copyButton, section, valueRow } from '../widgets.js';

const back = (ctx) => button('Back', { id: 'btn-back', onClick: () => ctx.send({ event: 'back' }) });
const next = () => button('Next', { id: 'btn-next', kind: 'primary', type: 'submit' });
const spacer = () => el('span', { class: 'spacer' });

function portalBlock(guide, ctx) {
  return el('div', { class: 'portal' },
    button('Open Xero developer portal', { id: 'btn-open-portal', kind: 'strong', onClick: () => ctx.send({ event: 'open_portal' }) }),
    el('p', { class: 'small muted' }, 'Opens ', el('span', { class: 'mono', text: guide.portal_url }), ' in your browser. Keep this window open beside it.'));
}

function appTypeChoice(guide, ctx) {
  return el('fieldset', { class: 'radio-cards', id: 'app-type' },
    el('legend', { class: 'block-title', text: 'Integration type' }),
    guide.app_type_choices.map((c) => {
      const id = `app-type-${c.app_type}`;
      return el('div', { class: 'radio-card', test: 'app-type-choice', 'data-app-type': c.app_type },
        el('input', {
          type: 'radio', name: 'app-type', id, value: c.app_type, checked: c.app_type === guide.app_type,
          'aria-describedby': `${id}-text`,
          on: { change: () => ctx.send({ event: 'choose_app_type', app_type: c.app_type }) },
        }),
        el('label', { for: id },
          el('span', { class: 'radio-title', text: c.label }),
          el('span', { class: 'radio-text', id: `${id}-text`, text: c.explanation })));
    }));
}

function valuesBlock(guide, ctx) {
  return section('Values to enter in the portal',
    el('div', { class: 'values' },
      valueRow(ctx, 'App name', guide.app_name, { copyId: 'btn-copy-app-name', valueId: 'value-app-name' }),
      el('div', { class: 'value-row' },
        el('span', { class: 'value-label', text: 'Company or application URL' }),
        el('span', { class: 'value-cell', text: guide.company_url_hint })),
      guide.redirect_uris.map((uri, i) => valueRow(ctx, guide.redirect_uris.length > 1 ? `Redirect URI ${i + 1}` : 'Redirect URI', uri,
        { copyId: `btn-copy-redirect-uri-${i}`, what: 'redirect URI', valueId: `value-redirect-uri-${i}` })),
      guide.scopes.length
        ? valueRow(ctx, 'Scopes', guide.scopes.join(' '), { copyId: 'btn-copy-scopes', what: 'scopes', valueId: 'value-scopes', long: true })
        : null));
}

const secretWarning = () => callout('warning', 'Copy the client secret as soon as Xero shows it',
  'Xero shows the secret only once. Copy it before you leave that page; if it is lost, you can generate another one.');

export const createApp = {
  build(view, ctx) {
    const { guide, reconnect, reconnect_steps: reconnectSteps } = view.screen;
    // The warning box already says the secret is shown once, so the tip saying it is not repeated.
    const tips = guide.tips.filter((t) => !/only once/i.test(t));
    const hasSecret = guide.app_type !== 'pkce';
    const body = reconnect
      ? [
        portalBlock(guide, ctx),
        section('In the portal', el('ol', { class: 'steps-list', id: 'reconnect-steps' }, reconnectSteps.map((s) => el('li', { text: s })))),
        secretWarning(),
      ]
      : [
        portalBlock(guide, ctx),
        appTypeChoice(guide, ctx),
        section('In the portal', el('ol', { class: 'steps-list', id: 'guide-steps' }, guide.steps.map((s) => el('li', { text: s })))),
        valuesBlock(guide, ctx),
        hasSecret ? secretWarning() : null,
        tips.length ? section('Before you start', el('ul', { class: 'tips' }, tips.map((t) => el('li', { text: t })))) : null,
      ];
    return {
      title: reconnect ? 'Generate a new client secret' : 'Create an app in Xero',
      lead: reconnect
        ? 'Reconnecting needs a new client secret from the same app in Xero\'s developer portal.'
        : 'Xero needs an app registered for this connection. Create it in the developer portal with the values below.',
      body,
      footer: [back(ctx), spacer(), next()],
      onSubmit: () => ctx.send({ event: 'next' }),
    };
  },
};

export const scopes = {
  build(view, ctx) {
    const { apis, scopes: list } = view.screen;
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
              el('input', { type: 'checkbox', id, checked: a.checked, on: { change: () => ctx.send({ event: 'toggle_api', api: a.api }) } }),
              el('label', { for: id, text: a.label }));
          })),
        el('details', { class: 'advanced', id: 'advanced', open: advancedOpen },
          el('summary', { id: 'advanced-summary', text: 'Advanced' }),
          el('p', { class: 'small muted', text: `The exact scopes this connection asks for (${list.length}):` }),
          el('ul', { class: 'scope-list', id: 'scope-list' }, list.map((s) => el('li', { class: 'mono', text: s }))),
          copyButton(ctx, list.join(' '), 'scopes', 'btn-copy-scopes')),
      ],
      footer: [back(ctx), spacer(), next()],
      onSubmit: () => ctx.send({ event: 'next' }),
    };
  },
};
