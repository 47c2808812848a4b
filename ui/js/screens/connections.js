// The connections page: each saved connection with its organisation, status, last test and
// until when its authorisation stays valid (a warning with what to press when it lapses soon or
// has, and the broad-scope flag with "Switch to granular scopes"), and its actions (Test
// Connection, Reconnect, Rename inline, Disconnect). Disconnect is confirmed
// in a modal dialog that traps focus and closes on Escape ("Keep it").

import { el } from '../dom.js';
import { trapFocus } from '../a11y.js';
import * as ev from '../events.js';
import { button, spacer } from '../widgets.js';
import { lastTest } from './welcome.js';

// Local UI state: which row is being renamed (and its draft), and the row button focus returns
// to after a rename or when the disconnect dialog closes ({ name, what }).
let renaming = null;
let draft = '';
let returnTo = null;

function renameForm(c, i, ctx) {
  const id = `rename-${i}`;
  const save = () => {
    const newName = draft.trim();
    renaming = null;
    if (newName && newName !== c.name) {
      returnTo = { name: newName, what: 'rename' };
      ctx.send(ev.rename(c.name, newName));
    } else {
      cancel();
    }
  };
  const cancel = () => {
    renaming = null;
    returnTo = { name: c.name, what: 'rename' };
    ctx.rerender();
  };
  const field = el('input', {
    id, type: 'text', value: draft, autocomplete: 'off', spellcheck: false, test: 'rename-input',
    on: {
      input: (e) => { draft = e.target.value; },
      // Enter saves this row only, instead of submitting the page's form.
      keydown: (e) => {
        if (e.key === 'Enter') { e.preventDefault(); save(); }
        if (e.key === 'Escape') { e.preventDefault(); cancel(); }
      },
    },
  });
  return el('div', { class: 'rename' },
    el('label', { for: id, class: 'small', text: `New name for ${c.name}` }),
    el('div', { class: 'with-button' }, field,
      button('Save', { kind: 'primary', test: 'rename-save', 'data-key': `rename-save:${c.name}`, onClick: save }),
      button('Cancel', { kind: 'quiet', test: 'rename-cancel', 'data-key': `rename-cancel:${c.name}`, onClick: cancel })));
}

function row(c, i, ctx, busy) {
  // Keys by name, not position, so focus stays on the same connection when the list changes.
  const key = (what) => `${what}:${c.name}`;
  const act = (label, what, event, kind = 'quiet') => button(label, {
    kind, test: `row-${what}`, 'data-key': key(what), 'aria-label': `${label}: ${c.name}`,
    onClick: event,
  });
  return el('li', { class: 'conn-row', test: 'connection-row', 'data-name': c.name },
    el('div', { class: 'conn-main' },
      renaming === c.name ? renameForm(c, i, ctx) : el('p', { class: 'conn-name', text: c.name }),
      el('p', { class: 'conn-org', text: c.organisation ?? 'No organisation chosen yet' }),
      el('p', { class: 'conn-status' },
        el('span', { class: `status-pill tone-${c.last_test_ok === true ? 'ok' : c.last_test_ok === false ? 'bad' : 'none'}`, text: c.status }),
        lastTest(c)),
      validity(c),
      c.broad_scopes ? el('div', { class: 'notice conn-broad', test: 'broad-scopes' },
        el('p', { text: c.broad_scopes }),
        button('Switch to granular scopes', {
          test: 'row-granular', 'data-key': key('granular'), 'aria-label': `Switch to granular scopes: ${c.name}`,
          onClick: () => ctx.send(ev.startReconnect(c.name, true)),
        })) : null),
    el('div', { class: 'conn-actions' },
      act('Test Connection', 'test', () => busy || ctx.send(ev.testConnection(c.name))),
      act('Reconnect', 'reconnect', () => ctx.send(ev.startReconnect(c.name))),
      act('Rename', 'rename', () => { renaming = c.name; draft = c.name; ctx.rerender(); }),
      act('Disconnect', 'disconnect', () => { returnTo = { name: c.name, what: 'disconnect' }; ctx.send(ev.disconnect(c.name)); }, 'danger-quiet')));
}

// Until when the authorisation stays valid; a warning with the action when it lapses soon or has.
function validity(c) {
  const a = c.authorisation;
  if (!a) return null;
  if (a.state === 'valid') {
    return el('p', { class: 'small muted conn-validity', test: 'validity', text: `Valid until ${a.valid_until.slice(0, 10)} if unused.` });
  }
  return el('p', { class: 'notice conn-validity', test: 'validity', 'data-state': a.state },
    `${a.sentence} ${c.authorisation_action ?? ''}`.trim());
}

function dialog(confirm, ctx) {
  let closing = false;
  const keep = () => {
    if (closing) return;
    closing = true;
    ctx.send(ev.cancelDisconnect());
  };
  const node = el('dialog', {
    id: 'dialog-disconnect', class: 'dialog', role: 'dialog', 'aria-modal': 'true',
    'aria-labelledby': 'dialog-title', 'aria-describedby': 'dialog-text',
    // Escape fires "cancel" on a modal <dialog>: keep it open until Rust answers.
    on: { cancel: (e) => { e.preventDefault(); keep(); } },
  },
  el('h2', { id: 'dialog-title', class: 'dialog-title', text: `Disconnect “${confirm.name}”?` }),
  el('p', { id: 'dialog-text', text: confirm.text }),
  el('div', { class: 'dialog-actions' },
    button('Keep it', { id: 'btn-disconnect-cancel', onClick: keep }),
    button('Disconnect', { id: 'btn-disconnect-confirm', kind: 'danger', onClick: () => { closing = true; ctx.send(ev.confirmDisconnect()); } })));
  trapFocus(node, keep);
  return node;
}

export default {
  build(view, ctx) {
    const { connections, confirm_disconnect: confirm } = view.screen;
    if (ctx.entered) { renaming = null; returnTo = null; }
    if (renaming && !connections.some((c) => c.name === renaming)) renaming = null;
    const dlg = confirm ? dialog(confirm, ctx) : null;
    const list = connections.length
      ? el('ul', { class: 'conn-list', id: 'connection-list' }, connections.map((c, i) => row(c, i, ctx, Boolean(view.busy))))
      : el('p', { class: 'muted', id: 'no-connections', text: 'No connections are saved on this computer.' });

    // Where focus goes after a local change or when the dialog closes.
    let focus = null;
    if (dlg) {
      focus = dlg.querySelector('#btn-disconnect-cancel');
    } else if (renaming) {
      focus = list.querySelector('[data-test=rename-input]');
    } else if (returnTo) {
      // A disconnected row is gone: then the shell falls back to the heading.
      const key = `${returnTo.what}:${returnTo.name}`;
      focus = [...list.querySelectorAll('[data-key]')].find((n) => n.dataset.key === key) ?? null;
      returnTo = null;
    }

    return {
      title: 'Saved connections',
      lead: 'Test, reconnect, rename or disconnect the connections saved on this computer.',
      body: [list],
      dialog: dlg,
      footer: [
        button('Back to start', { id: 'btn-home', onClick: () => ctx.send(ev.home()) }),
        spacer(),
        button('Add a connection', { id: 'btn-add-connection', kind: 'primary', onClick: () => ctx.send(ev.startSetup()) }),
      ],
      mounted: dlg ? () => { if (!dlg.open) dlg.showModal(); } : null,
      focus,
    };
  },
};
