// Accessibility plumbing: the polite live region that announces progress and results, and the
// focus trap used by the modal dialog. Focus on screen change is decided in main.js.

let live = null;
let pending = 0;

/** Registers the aria-live="polite" element. */
export function initLive(node) {
  live = node;
}

/** Announces a sentence. Emptied first so the same sentence said twice is read twice. */
export function announce(text) {
  if (!live || !text) return;
  live.textContent = '';
  clearTimeout(pending);
  pending = setTimeout(() => {
    live.textContent = text;
  }, 60);
}

const FOCUSABLE =
  'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export const focusables = (root) => [...root.querySelectorAll(FOCUSABLE)].filter((n) => !n.closest('[hidden]'));

/** Keeps Tab and Shift+Tab inside `container`; Escape calls `onEscape`. */
export function trapFocus(container, onEscape) {
  container.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables(container);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || !container.contains(document.activeElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  });
}
