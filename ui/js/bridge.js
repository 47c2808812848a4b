// The only module that talks to the Tauri side: read the view, send a user event, collect the
// views background work produces, copy text. Kept tiny so the rest of the UI runs the same
// against a fake __TAURI__.

const tauri = () => window.__TAURI__;

/** True when running inside the app (or under a fake that provides the same calls). */
export const available = () => Boolean(tauri()?.core?.invoke);

/**
 * What the app handed over with the page (src-tauri/src/first_view.rs): `{ view }`, or `{ error }`
 * with Rust's {code, message} when no wizard could start; undefined outside the app.
 */
export const firstView = () => window.__XERO_CONNECT_FIRST__;

/** The view as it is now. */
export const getView = () => tauri().core.invoke('wizard_view');

/** Sends a UserEvent ({ event: 'snake_case', ... }) and resolves to the view that follows. */
export const send = (event) => tauri().core.invoke('wizard_send', { event });

/**
 * Calls `onView` with every view that background work produces, for as long as the page lives:
 * one `wizard_next_view` is always pending, asking for a view newer than `newest()`, the newest
 * the page drew (see src-tauri/src/state.rs for why the page asks rather than listens). Rejects
 * with Rust's {code, message} when asking fails.
 */
export async function watchViews(newest, onView) {
  for (;;) onView(await tauri().core.invoke('wizard_next_view', { after: Math.max(0, newest()) }));
}

/** The welcome screen's "Practice": the wizard against a local simulated Xero; resolves to a view. */
export const practiceStart = () => tauri().core.invoke('practice_start');

/** Puts non-secret text on the clipboard. */
export const copyText = (text) => tauri().clipboardManager.writeText(text);
