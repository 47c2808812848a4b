// Every UserEvent the window sends, built in one place: the names and fields are Rust's
// (crates/xero-connect/src/wizard/events.rs), spelled once here so no screen writes one by hand.
// An error's button sends the event Rust put in the view (`error.action.event`), unchanged.

export const home = () => ({ event: 'home' });
export const startSetup = () => ({ event: 'start_setup' });
/** "Continue where you left off": the first setup the window kept from an earlier run. */
export const continueSetup = () => ({ event: 'continue_setup' });
// granularScopes: reconnect asking for granular scopes instead of the broad accounting ones.
// The address a browser on another device ended on; it holds the authorization code, so the
// field is cleared as soon as this is sent.
export const pasteAddress = (address) => ({ event: 'paste_address', address });
export const startReconnect = (name, granularScopes = false) => (granularScopes
  ? { event: 'start_reconnect', name, granular_scopes: true }
  : { event: 'start_reconnect', name });
export const openConnections = () => ({ event: 'open_connections' });
export const chooseAppType = (appType) => ({ event: 'choose_app_type', app_type: appType });
export const openPortal = () => ({ event: 'open_portal' });
export const next = () => ({ event: 'next' });
export const back = () => ({ event: 'back' });
/** While typing: the secret's shape only (shape.js), never the secret. */
export const credentialsEdited = (name, clientId, secretShape) => ({ event: 'credentials_edited', name, client_id: clientId, secret_shape: secretShape });
/** Next on the credentials step: the one time the secret crosses over. */
export const submitCredentials = (name, clientId, clientSecret) => ({ event: 'submit_credentials', name, client_id: clientId, client_secret: clientSecret });
export const fillPracticeCredentials = () => ({ event: 'fill_practice_credentials' });
export const toggleApi = (api) => ({ event: 'toggle_api', api });
export const allowAccess = () => ({ event: 'allow_access' });
export const openAgain = () => ({ event: 'open_again' });
export const cancel = () => ({ event: 'cancel' });
export const chooseOrganisation = (tenantId) => ({ event: 'choose_organisation', tenant_id: tenantId });
export const addOrganisation = () => ({ event: 'add_organisation' });
/** Test Connection for the current connection, or a named one on the connections page. */
export const testConnection = (name) => (name === undefined ? { event: 'test_connection' } : { event: 'test_connection', name });
export const rename = (name, newName) => ({ event: 'rename', name, new_name: newName });
export const disconnect = (name) => ({ event: 'disconnect', name });
export const confirmDisconnect = () => ({ event: 'confirm_disconnect' });
export const cancelDisconnect = () => ({ event: 'cancel_disconnect' });
/** "Check this computer": from Welcome, from any failure, and "Check again". */
export const checkComputer = () => ({ event: 'check_computer' });
