// Reusable pieces of the screens: buttons, Copy buttons, labelled value rows with Copy, and
// section blocks. Screens compose these so every button looks and behaves the same.

import { el } from './dom.js';
import * as ev from './events.js';

/** A button; `kind` is primary, secondary, danger, quiet or link. Never submits unless asked. */
export function button(label, { kind = 'secondary', onClick, type = 'button', ...props } = {}) {
  const cls = ['btn', `btn-${kind}`, props.class].filter(Boolean).join(' ');
  return el('button', { ...props, type, class: cls, on: onClick ? { click: onClick } : undefined }, label);
}

/**
 * A Copy button for a non-secret value (`what` names it for screen readers, e.g. "redirect URI";
 * `label` is the visible text). It says "Copied" for two seconds, so the user knows it worked.
 */
export function copyButton(ctx, text, what, id, label = 'Copy') {
  const idle = label === 'Copy' ? `Copy ${what}` : label;
  let timer = 0;
  const btn = button(label, {
    id,
    class: 'btn-copy',
    test: 'copy',
    'aria-label': idle,
    onClick: async () => {
      let said = 'Copied';
      try {
        await ctx.copy(text);
        ctx.announce(`Copied the ${what}.`);
      } catch {
        said = 'Copy failed';
        ctx.announce(`Could not copy the ${what}: select it and copy it by hand.`);
      }
      btn.textContent = said;
      btn.setAttribute('aria-label', said === 'Copied' ? `Copied ${what}` : idle);
      btn.classList.add('is-done');
      clearTimeout(timer);
      timer = setTimeout(() => {
        btn.textContent = label;
        btn.setAttribute('aria-label', idle);
        btn.classList.remove('is-done');
      }, 2000);
    },
  });
  return btn;
}

/**
 * A labelled value shown in monospace (selectable) with an optional Copy button. `long` values
 * scroll inside a short box, which is focusable so the keyboard can scroll it too.
 */
export function valueRow(ctx, label, value, { copyId, what, valueId, long = false } = {}) {
  return el(
    'div',
    { class: 'value-row' },
    el('span', { class: 'value-label', text: label }),
    el('span', { class: 'value-cell' },
      el('code', long
        ? { class: 'value value-long', id: valueId, text: value, tabIndex: 0, role: 'region', 'aria-label': label }
        : { class: 'value', id: valueId, text: value }),
      copyId ? copyButton(ctx, value, what ?? label.toLowerCase(), copyId) : null),
  );
}

/** A titled block of a screen. */
export function section(title, ...children) {
  return el('section', { class: 'block' }, title ? el('h2', { class: 'block-title', text: title }) : null, ...children);
}

/** A calm box for things the user must not miss (e.g. the secret is shown only once). */
export function callout(kind, title, text) {
  return el('div', { class: `callout callout-${kind}`, role: 'note' },
    el('p', { class: 'callout-title', text: title }),
    text ? el('p', { text }) : null);
}

/** The footer's Back: one step back (Rust decides where that is). */
export const backButton = (ctx) => button('Back', { id: 'btn-back', onClick: () => ctx.send(ev.back()) });

/** The footer's Next: submits the screen's form, so Enter does the same. */
export const nextButton = (props = {}) => button('Next', { id: 'btn-next', kind: 'primary', type: 'submit', ...props });

/** Pushes what follows it to the footer's right. */
export const spacer = () => el('span', { class: 'spacer' });

/**
 * A group of radio cards (app types, organisations): each `{ value, title, text, checked,
 * extra, data }` becomes a radio with a bold title and a line of explanation; choosing one calls
 * `onChoose(value)`. `legend` names the group (visible when `legendClass` is not sr-only).
 */
export function radioCards({ id, name, idPrefix = name, legend, legendClass = 'block-title', test, choices, onChoose }) {
  return el('fieldset', { class: 'radio-cards', id },
    el('legend', { class: legendClass, text: legend }),
    choices.map((c, i) => {
      const inputId = `${idPrefix}-${c.key ?? i}`;
      return el('div', { class: 'radio-card', test, ...c.data },
        el('input', {
          type: 'radio', name, id: inputId, value: c.value, checked: c.checked, 'aria-describedby': `${inputId}-text`,
          on: { change: () => onChoose(c.value) },
        }),
        el('label', { for: inputId },
          el('span', { class: 'radio-title', text: c.title }),
          el('span', { class: 'radio-text', id: `${inputId}-text` }, ...[].concat(c.text))));
    }));
}
