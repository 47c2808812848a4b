// The credentials step: connection name, Client ID and client secret, checked by Rust as typed.
// The secret never leaves its password input except once: while typing only its shape goes to
// Rust (credentials_edited), and on Next it is sent in submit_credentials and the input is
// emptied at once. The form is updated in place so a re-render never interrupts typing.

import { el } from '../dom.js';
import * as ev from '../events.js';
import { secretShape, visibleWhitespace } from '../shape.js';
import { backButton, button, nextButton, spacer } from '../widgets.js';

const SEVERITY = { notice: 'Fixed', warning: 'Check', blocking: 'Must fix' };
const WHITESPACE_KINDS = new Set(['whitespace', 'inner_whitespace']);

// The live elements and latest view while this screen is shown.
let f = null;

function input(id, label, props = {}, extra = null) {
  const node = el('input', {
    id, type: 'text', autocomplete: 'off', spellcheck: false, autocapitalize: 'off', autocorrect: 'off',
    'aria-describedby': `problems-${id}`, ...props,
  });
  const problems = el('ul', { class: 'problems', id: `problems-${id}` });
  const preview = el('p', { class: 'ws-preview', id: `preview-${id}`, hidden: true, 'aria-hidden': 'true' });
  const wrap = el('div', { class: 'field' },
    el('label', { for: id, class: 'field-label', text: label }),
    extra ? el('div', { class: 'with-button' }, node, extra) : node,
    preview,
    problems);
  return { node, problems, preview, wrap };
}

function drawProblems(list, problems) {
  list.replaceChildren(...problems.map((p) =>
    el('li', { class: `problem sev-${p.severity}`, test: 'problem', 'data-severity': p.severity, 'data-field': p.field, 'data-kind': p.kind },
      el('span', { class: 'badge', text: SEVERITY[p.severity] ?? p.severity }),
      el('span', { class: 'problem-text', text: p.message }))));
}

/** Draws what was pasted with its whitespace made visible (the secret only as bullets). */
function drawPreview(preview, text, masked, show) {
  preview.hidden = !show || text.length === 0;
  if (preview.hidden) return preview.replaceChildren();
  const parts = visibleWhitespace(masked ? secretShape(text) : text, masked);
  preview.replaceChildren(el('span', { class: 'small muted', text: 'As pasted: ' }),
    el('span', { class: 'mono' }, parts.map((p) => (p.mark ? el('span', { class: 'ws-mark', title: p.name, text: p.text }) : p.text))));
}

const nameValue = () => (f.name ? f.name.node.value : f.view.screen.name);
// An empty field sends nothing: Rust then uses a secret already in place, or reports it missing.
const secretGiven = () => Boolean(f.secret) && f.secret.node.value !== '';

function sendEdit(ctx) {
  ctx.send(ev.credentialsEdited(nameValue(), f.id.node.value, secretGiven() ? secretShape(f.secret.node.value) : ''));
}

function submit(ctx) {
  if (f.next.disabled) return;
  const secret = secretGiven() ? f.secret.node.value : '';
  if (f.secret) {
    f.secret.node.value = '';
    setShown(false);
  }
  ctx.send(ev.submitCredentials(nameValue(), f.id.node.value, secret));
}

function setShown(shown) {
  f.secret.node.type = shown ? 'text' : 'password';
  f.show.setAttribute('aria-pressed', String(shown));
}

/** Everything that changes with the view, applied to the live form. */
function apply(view, ctx) {
  const s = view.screen;
  f.view = view;
  // Rust filled the inputs in (practice credentials): show its values; otherwise keep what the
  // user is typing, which Rust has only as it was when last sent.
  if (s.prefill !== f.prefill) {
    f.prefill = s.prefill;
    f.id.node.value = s.client_id;
    if (f.name) f.name.node.value = s.name;
  }
  if (f.secret) {
    // A secret already in place (entered before going Back, or practice mode's) is kept on the
    // Rust side; the empty field says so and typing replaces it.
    const provided = s.secret_provided;
    f.show.disabled = provided && !f.secret.node.value;
    f.secret.node.placeholder = provided ? 'Already entered (kept hidden) — type to replace it' : '';
  }
  f.practice.hidden = !s.practice_fill_available;

  const byField = (field) => s.problems.filter((p) => p.field === field);
  const hasWs = (list) => list.some((p) => WHITESPACE_KINDS.has(p.kind));
  const blocks = (list) => list.some((p) => p.severity === 'blocking');
  if (f.name) {
    const nameProblems = byField('name');
    drawProblems(f.name.problems, nameProblems);
    f.name.node.setAttribute('aria-invalid', String(blocks(nameProblems)));
  }
  const idProblems = byField('client_id');
  drawProblems(f.id.problems, idProblems);
  f.id.node.setAttribute('aria-invalid', String(blocks(idProblems)));
  drawPreview(f.id.preview, f.id.node.value, false, hasWs(idProblems));
  const secretProblems = byField('client_secret');
  if (f.secret) {
    drawProblems(f.secret.problems, secretProblems);
    f.secret.node.setAttribute('aria-invalid', String(blocks(secretProblems)));
    drawPreview(f.secret.preview, secretGiven() ? f.secret.node.value : '', true, hasWs(secretProblems));
  }
  // Anything not about a shown input still has to be seen.
  const shown = (p) => p.field === 'client_id' || (p.field === 'client_secret' && f.secret) || (p.field === 'name' && f.name);
  drawProblems(f.other, s.problems.filter((p) => !shown(p)));

  f.next.disabled = !s.can_continue;
  f.hint.hidden = s.can_continue;
}

export default {
  build(view, ctx) {
    const s = view.screen;
    const onInput = () => sendEdit(ctx);
    f = { view, structure: `${s.name_editable}|${s.secret_needed}`, prefill: s.prefill };
    f.name = s.name_editable
      ? input('input-name', 'Connection name', { value: s.name, 'aria-describedby': 'hint-name problems-input-name', on: { input: onInput } })
      : null;
    f.id = input('input-client-id', 'Client ID', { value: s.client_id, class: 'mono', on: { input: onInput } });
    if (s.secret_needed) {
      f.show = button('Show', {
        id: 'btn-show-secret', 'aria-pressed': 'false', 'aria-controls': 'input-client-secret', class: 'btn-toggle',
        onClick: () => setShown(f.show.getAttribute('aria-pressed') !== 'true'),
      });
      f.secret = input('input-client-secret', 'Client secret', { type: 'password', class: 'mono', on: { input: onInput } }, f.show);
    } else {
      f.secret = null;
    }
    f.practice = el('div', { class: 'practice' },
      el('span', { class: 'small muted', text: 'Rehearsing with the practice simulator?' }),
      button('Use practice credentials', { id: 'btn-practice-fill', kind: 'quiet', onClick: () => ctx.send(ev.fillPracticeCredentials()) }));
    f.other = el('ul', { class: 'problems', id: 'problems-other' });
    f.hint = el('p', { id: 'next-hint', class: 'small muted next-hint', text: 'Fix what is marked “Must fix” to continue.' });
    f.next = nextButton({ 'aria-describedby': 'next-hint' });

    apply(view, ctx);
    return {
      title: s.secret_needed ? 'Paste the Client ID and secret' : 'Paste the Client ID',
      lead: s.secret_needed
        ? 'Copy both from your app\'s Configuration page in the Xero developer portal. They are checked as you paste.'
        : 'Copy it from your app\'s Configuration page in the Xero developer portal. This kind of app has no secret.',
      body: [
        f.practice,
        f.name
          ? [f.name.wrap, el('p', { id: 'hint-name', class: 'small muted field-hint', text: 'A short name you will recognise later, such as "shop".' })]
          : el('p', { class: 'field-static' }, 'Connection: ', el('strong', { text: s.name })),
        f.id.wrap,
        f.secret?.wrap,
        f.other,
      ],
      footer: [
        backButton(ctx),
        spacer(),
        f.hint,
        f.next,
      ],
      onSubmit: () => submit(ctx),
    };
  },

  // In place unless the set of inputs changed (another app type, or the name became fixed).
  update(view, ctx) {
    const s = view.screen;
    if (!f || f.structure !== `${s.name_editable}|${s.secret_needed}`) return false;
    apply(view, ctx);
    return true;
  },
};
