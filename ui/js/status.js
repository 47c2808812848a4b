// The two parts every screen can carry: `busy` (spinner, label, elapsed mm:ss, Cancel) and
// `error` (the sentence, a small code, and the one button that fixes it, counting down for
// rate limits), and with a vendor profile, where its users get help. Owns the timers behind
// busy and error, stopped before each render.

import { el, plural } from './dom.js';
import * as ev from './events.js';
import { button, copyButton } from './widgets.js';

let timers = [];
// Remembered across renders so a refreshed view of the same error does not restart the wait.
let retry = { key: '', deadline: 0 };

export function stopTimers() {
  timers.forEach(clearInterval);
  timers = [];
}

const every = (ms, fn) => {
  fn();
  timers.push(setInterval(fn, ms));
};

/** "03:07" from milliseconds. */
export function formatElapsed(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(total / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

export function busyBox(busy, ctx) {
  const elapsed = el('span', { id: 'busy-elapsed', class: 'busy-elapsed', role: 'timer', 'aria-label': 'Time so far' });
  every(1000, () => {
    elapsed.textContent = formatElapsed(Date.now() - busy.since_ms);
  });
  return el('div', { id: 'busy', class: 'busy' },
    el('span', { class: 'spinner', 'aria-hidden': 'true' }),
    el('span', { id: 'busy-label', class: 'busy-label', text: busy.label }),
    elapsed,
    busy.cancellable
      ? button('Cancel', { id: 'btn-cancel', kind: 'quiet', onClick: () => ctx.send(ev.cancel()) })
      : null);
}

/** The error box: the sentence, the code small, and the action (counting down for rate limits). */
export function errorBox(error, ctx) {
  const action = error.action
    ? button(error.action.label, {
      id: 'btn-error-action',
      test: 'error-action',
      // Secondary inside the red box: it stands out there without competing with Next.
      kind: 'secondary',
      onClick: () => ctx.send(error.action.event),
    })
    : null;
  if (action && error.retry_after_secs) countDown(action, error);
  // Every failure leads to "Check this computer", unless its own button already does.
  const check = error.action?.event?.event === 'check_computer' ? null
    : button('Check this computer', { id: 'btn-error-check', kind: 'link', onClick: () => ctx.send(ev.checkComputer()) });
  return el('div', { id: 'error-box', class: 'error-box' },
    el('p', { id: 'error-message', class: 'error-message', text: error.message }),
    el('p', { class: 'error-code', text: `code: ${error.code}` }),
    action, check);
}

/** "Help with PRODUCT: address" and a Copy button, beside a failure when a profile is in force. */
export function supportLine(view, ctx) {
  return el('p', { id: 'support', class: 'support small' },
    `Help with ${view.product ?? 'this software'}: `,
    el('span', { id: 'support-address', class: 'mono', text: view.support }), ' ',
    copyButton(ctx, view.support, 'support address', 'btn-copy-support'));
}

/** A wait as people say it: seconds under a minute and a half, then minutes, then hours. */
export function waitWords(secs) {
  if (secs < 90) return plural(secs, 'second');
  if (secs < 3600) return `about ${plural(Math.round(secs / 60), 'minute')}`;
  return `about ${plural(Math.round(secs / 3600), 'hour')}`;
}

function countDown(btn, error) {
  const key = `${error.code}|${error.message}|${error.retry_after_secs}`;
  if (retry.key !== key) retry = { key, deadline: Date.now() + error.retry_after_secs * 1000 };
  every(500, () => {
    const left = Math.ceil((retry.deadline - Date.now()) / 1000);
    btn.disabled = left > 0;
    btn.textContent = left > 0 ? `Try again in ${waitWords(left)}` : error.action.label;
  });
}

/** The sentences the live region should say for these parts. */
export function statusWords(view) {
  return [view.busy?.label, view.error?.message].filter(Boolean);
}
