// Test Connection: a real call to Xero for the connection just made (or chosen), shown as the
// organisation's name in large type with the API that answered, its details and tenant ID.
// Country and currency come only from the Accounting API; unknown ones are left out. A failure
// arrives as the view's error, drawn by the shell with its one fixing action.

import { el } from '../dom.js';
import * as ev from '../events.js';
import { button, copyButton, spacer } from '../widgets.js';

function country(code) {
  if (!code) return null;
  try {
    const name = new Intl.DisplayNames(undefined, { type: 'region' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

function when(rfc3339) {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const fact = (label, ...value) => [el('dt', { text: label }), el('dd', {}, ...value)];

function tenantFact(ctx, tenantId) {
  return fact('Tenant ID',
    el('span', { class: 'value-cell' },
      el('code', { id: 'tenant-id', class: 'value', text: tenantId }),
      copyButton(ctx, tenantId, 'tenant ID', 'btn-copy-tenant-id')));
}

function result(r, ctx) {
  const o = r.organisation;
  const by = r.authorised_by;
  return el('section', { id: 'test-result', class: 'result', 'aria-labelledby': 'result-status' },
    el('p', { id: 'result-status', class: 'result-status' }, el('span', { 'aria-hidden': 'true', text: '✓ ' }), 'Connected'),
    el('p', { id: 'org-name', class: 'org-name', text: o.name }),
    o.legal_name && o.legal_name !== o.name ? el('p', { class: 'muted', text: o.legal_name }) : null,
    o.is_demo_company ? el('p', {}, el('span', { id: 'demo-flag', class: 'badge badge-demo', text: 'Demo company' })) : null,
    el('dl', { class: 'facts' },
      r.answered_by ? fact('Answered by', el('span', { id: 'answered-by', text: r.answered_by })) : null,
      o.country_code ? fact('Country', country(o.country_code)) : null,
      o.base_currency ? fact('Currency', o.base_currency) : null,
      by ? fact('Authorised by', by.name ? `${by.name} <${by.email}>` : by.email) : null,
      fact('Tested at', el('time', { dateTime: r.tested_at, text: when(r.tested_at) })),
      tenantFact(ctx, o.id)),
    // Xero's clock far from this computer's: how far, and where to set it right.
    r.clock ? el('p', { id: 'clock-warning', class: 'notice', text: r.clock }) : null);
}

export default {
  build(view, ctx) {
    const s = view.screen;
    const r = s.result;
    // Rust leaves the button out while the error's own button tests again (after a rate-limit
    // wait), so there is one way, with its countdown.
    const testBtn = !s.offer_test ? null : button(r ? 'Test again' : 'Test Connection', {
      // aria-disabled rather than disabled while testing, so keyboard focus stays on it.
      id: 'btn-test-connection', kind: r ? 'secondary' : 'primary', 'aria-disabled': view.busy ? 'true' : null,
      onClick: () => view.busy || ctx.send(ev.testConnection()),
    });
    return {
      title: 'Test the connection',
      lead: r ? null : 'Test Connection makes one read at Xero that the connection\'s permissions allow, to prove it works.',
      body: [
        el('dl', { class: 'facts facts-plain' },
          fact('Connection', s.connection),
          !r && s.organisation ? fact('Organisation', s.organisation) : null,
          !r && s.tenant_id ? tenantFact(ctx, s.tenant_id) : null),
        r ? result(r, ctx) : null,
      ],
      // Both in the footer so neither scrolls out of sight below a long result.
      footer: [spacer(), testBtn,
        button('Done', { id: 'btn-done', kind: r ? 'primary' : 'secondary', onClick: () => ctx.send(ev.home()) })],
    };
  },
  announce: (view) => (view.screen.result ? `Connected to ${view.screen.result.organisation.name}.` : null),
};
