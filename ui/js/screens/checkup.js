// "Check this computer": each check Rust ran (keychain, port, browser, the way to Xero through
// any proxy, certificates, clock, settings from the environment, each saved connection) as
// ok / warning / problem with what to do, and "Copy report": the redacted text Rust built for a
// vendor's support. While the checks run, the busy strip says so.

import { el } from '../dom.js';
import * as ev from '../events.js';
import { button, copyButton, spacer } from '../widgets.js';

const WORDS = { ok: 'OK', warning: 'Warning', problem: 'Problem' };
const SEVERITY = { ok: 'notice', warning: 'warning', problem: 'blocking' };

function finding(f) {
  return el('li', { class: `problem finding sev-${SEVERITY[f.status]}`, test: 'finding', 'data-check': f.check, 'data-status': f.status },
    el('span', { class: 'badge', text: WORDS[f.status] }),
    el('div', { class: 'finding-text' },
      el('p', { class: 'finding-title', text: f.title }),
      el('p', { class: 'finding-detail', text: f.detail }),
      f.action ? el('p', { class: 'finding-action', text: f.action }) : null));
}

const SUMMARY = {
  ok: 'Everything this window can check looks right.',
  warning: 'Nothing stops a connection, but some things may get in the way.',
  problem: 'Something here stops a connection: see the problems below.',
};

export default {
  build(view, ctx) {
    const s = view.screen;
    return {
      title: 'Check this computer',
      lead: s.worst ? SUMMARY[s.worst] : 'Looking at the keychain, the network to Xero, the clock and the saved connections…',
      body: [s.findings.length ? el('ul', { class: 'problems findings', id: 'findings' }, s.findings.map(finding)) : null],
      footer: [
        button('Back', { id: 'btn-back', onClick: () => ctx.send(ev.back()) }),
        spacer(),
        s.report ? copyButton(ctx, s.report, 'report', 'btn-copy-report', 'Copy report') : null,
        s.report ? button('Check again', { id: 'btn-check-again', onClick: () => ctx.send(ev.checkComputer()) }) : null,
      ],
    };
  },
  announce: (view) => (view.screen.worst ? SUMMARY[view.screen.worst] : null),
};
