// The welcome screen: the two big choices (First setup, Reconnect) — above them "Continue where
// you left off" when a first setup was left unfinished — the saved connections with their last
// test, and the way to the connections page. Reconnect with several connections first asks which
// one, locally, before sending start_reconnect.

import { el } from '../dom.js';
import * as ev from '../events.js';
import { button, section, spacer } from '../widgets.js';

// Whether the "which connection?" list is open; forgotten when the screen is left.
let picking = false;

function choice(id, title, text, onClick, extra = {}) {
  return el('button', { type: 'button', id, class: 'choice', 'aria-describedby': `${id}-text`, on: { click: onClick }, ...extra },
    el('span', { class: 'choice-title', text: title }),
    el('span', { class: 'choice-text', id: `${id}-text`, text }));
}

/** ✓ / ✗ and the last test in words; the symbol is decoration, the words say it. */
export function lastTest(c) {
  // Never tested: the status already says so.
  if (!c.last_test) return null;
  const mark = c.last_test_ok === true ? '✓' : c.last_test_ok === false ? '✗' : '–';
  const tone = c.last_test_ok === true ? 'ok' : c.last_test_ok === false ? 'bad' : 'none';
  return el('span', { class: `last-test tone-${tone}` },
    el('span', { class: 'last-test-mark', 'aria-hidden': 'true', text: mark }),
    el('span', { text: c.last_test }));
}

function savedList(connections) {
  if (connections.length === 0) return el('p', { class: 'muted', text: 'No connections are saved on this computer yet.' });
  return el('ul', { class: 'saved-list' }, connections.map((c) =>
    el('li', { class: 'saved', test: 'saved-connection', 'data-name': c.name },
      el('span', { class: 'saved-name', text: c.name }),
      el('span', { class: 'saved-org', text: c.organisation ?? 'No organisation chosen yet' }),
      lastTest(c),
      needsAttention(c) ? el('span', { class: 'saved-attention', text: 'Needs attention: see Saved connections' }) : null)));
}

/** A connection whose authorisation lapses soon or has, or that holds broad scopes. */
export const needsAttention = (c) => (c.authorisation && c.authorisation.state !== 'valid') || Boolean(c.broad_scopes);

function picker(connections, ctx) {
  return el('fieldset', { class: 'picker', id: 'reconnect-picker' },
    el('legend', { text: 'Which connection do you want to reconnect?' }),
    el('ul', { class: 'picker-list' }, connections.map((c, i) =>
      el('li', {}, button(c.organisation ? `${c.name} — ${c.organisation}` : c.name, {
        id: `btn-reconnect-${i}`,
        test: 'reconnect-choice',
        'data-name': c.name,
        onClick: () => ctx.send(ev.startReconnect(c.name)),
      })))),
    button('Not now', { id: 'btn-reconnect-close', kind: 'link', onClick: () => { picking = false; ctx.rerender(); } }));
}

export default {
  build(view, ctx) {
    const { connections, reconnect_unavailable: unavailable, unfinished } = view.screen;
    if (ctx.entered) picking = false;

    const onReconnect = () => {
      if (unavailable) {
        ctx.announce(unavailable);
      } else if (connections.length === 1) {
        ctx.send(ev.startReconnect(connections[0].name));
      } else {
        picking = !picking;
        ctx.rerender();
      }
    };
    const reconnect = choice('btn-reconnect', 'Reconnect',
      unavailable ?? 'Repair a saved connection: use a new client secret and allow access again.',
      onReconnect,
      unavailable ? { 'aria-disabled': 'true', class: 'choice is-unavailable' } : { 'aria-expanded': connections.length > 1 ? String(picking) : null });
    const pick = picking && !unavailable ? picker(connections, ctx) : null;
    const resume = unfinished
      ? choice('btn-continue-setup', 'Continue where you left off', unfinished.text, () => ctx.send(ev.continueSetup()), { class: 'choice choice-wide' })
      : null;

    return {
      title: `Connect ${view.product ?? 'your business software'} to Xero`,
      lead: 'This window walks you through it one step at a time. Nothing is changed in Xero until you allow access.',
      body: [
        el('div', { class: 'choices' },
          resume,
          choice('btn-first-setup', unfinished ? 'Start a new setup' : 'First setup',
            unfinished
              ? 'Start again from the beginning: what was typed before is replaced.'
              : 'Create an app in Xero, paste its Client ID and secret, allow access, and test the connection.',
            () => ctx.send(ev.startSetup())),
          reconnect),
        pick,
        section('Saved connections', savedList(connections)),
      ],
      footer: [
        button('Manage connections', { id: 'btn-open-connections', onClick: () => ctx.send(ev.openConnections()) }),
        button('Check this computer', { id: 'btn-check-computer', kind: 'quiet', onClick: () => ctx.send(ev.checkComputer()) }),
        spacer(),
        view.practice ? null
          : button('Practise with a simulated Xero', { id: 'btn-practice', kind: 'quiet', onClick: () => ctx.practice() }),
      ],
      // After opening or closing the list, focus its first choice or goes back to Reconnect.
      focus: ctx.local ? (pick?.querySelector('button') ?? reconnect) : null,
    };
  },
};
