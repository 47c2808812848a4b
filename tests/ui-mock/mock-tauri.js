// A fake window.__TAURI__ for trying the wizard UI in a plain browser: core.invoke answers
// wizard_view / wizard_send from a small scripted wizard, wizard_next_view answers with pushed views,
// and clipboardManager.writeText records what was copied. Test scripts drive it through
// window.__mock (events received, copies, show(scenario), push(view)).
// Start on any screen with ?scenario=NAME (see SCENARIOS below).
(() => {
  'use strict';

  const CLIENT_ID = '1A2B3C4D5E6F708192A3B4C5D6E7F809';
  const TENANT_A = 'e41fc531-225c-4f90-947a-b82640da4dd9';
  const TENANT_B = '7d0c1e8a-3b52-4c6f-9a41-5f2e8b9d0c13';
  const TENANT_C = 'a3f9b2d4-1c7e-4e88-b0a5-2d6c9e1f4a70';
  const BANNER = 'Practice mode: not talking to Xero. Every Xero address goes to the local simulator at http://127.0.0.1:39227.';
  const REDIRECT = 'http://localhost:8749/callback';
  const APIS = [['accounting', 'Accounting'], ['assets', 'Assets'], ['payroll', 'Payroll'], ['files', 'Files'], ['projects', 'Projects']];
  const SCOPES = {
    accounting: ['accounting.invoices', 'accounting.payments', 'accounting.banktransactions', 'accounting.manualjournals',
      'accounting.contacts', 'accounting.attachments', 'accounting.settings.read', 'accounting.budgets.read',
      'accounting.journals.read', 'accounting.reports.profitandloss.read', 'accounting.reports.balancesheet.read',
      'accounting.reports.trialbalance.read', 'accounting.reports.aged.read', 'accounting.reports.banksummary.read',
      'accounting.reports.budgetsummary.read', 'accounting.reports.executivesummary.read', 'accounting.reports.taxreports.read'],
    assets: ['assets'],
    payroll: ['payroll.employees', 'payroll.payruns', 'payroll.payslip', 'payroll.settings', 'payroll.timesheets'],
    files: ['files'],
    projects: ['projects'],
  };
  const ESSENTIAL = ['offline_access', 'openid', 'profile', 'email', 'accounting.settings.read'];
  const LABELS = { web: 'Web app', pkce: 'Mobile or desktop app', custom: 'Custom connection' };
  const EXPLAIN = {
    web: 'Choose this for software that keeps a client secret safely on this computer or a server; it is the usual choice.',
    pkce: 'Choose this when the software cannot keep a secret: it signs in with a one-time proof instead and has no client secret.',
    custom: 'Choose this for one organisation connected server to server without a browser; it is a paid Xero option (free with the Demo Company).',
  };

  const clone = (v) => JSON.parse(JSON.stringify(v));

  // ---- the scripted wizard's state ----
  const s = {
    connections: [
      { name: 'shop', organisation: 'Demo Company (AU)', tenant_id: TENANT_A, app_type: 'web', status: 'Connected', last_test: 'OK on 2026-11-22 14:25 UTC', last_test_ok: true },
      { name: 'payroll-export', organisation: 'Harbour Street Bakery Ltd', tenant_id: TENANT_B, app_type: 'pkce', status: 'Test failed', last_test: 'Failed on 2026-11-20 09:02 UTC: Xero no longer accepts this connection\'s authorisation', last_test_ok: false },
      { name: 'pos-sync', organisation: null, tenant_id: null, app_type: 'custom', status: 'Not tested yet', last_test: 'Not tested yet', last_test_ok: null },
    ],
    path: 'setup', appType: 'web', name: 'shop', clientId: '', shape: '', secretProvided: false,
    apis: new Set(['accounting']), tenant: null,
  };

  function scopes() {
    const out = [...ESSENTIAL];
    for (const [api] of APIS) if (s.apis.has(api)) for (const sc of SCOPES[api]) if (!out.includes(sc)) out.push(sc);
    return out;
  }

  function guide() {
    const uris = s.appType === 'custom' ? [] : [REDIRECT];
    const appName = `${s.name.replace(/xero/gi, '').trim() || 'Business Software'} connector`;
    const steps = [
      'Open https://developer.xero.com/app/manage and sign in to Xero.',
      'Press "New app".',
      `App name: ${appName} (the name may not contain the word "Xero").`,
      `Integration type: ${LABELS[s.appType]}.`,
      'Company or application URL: your business\'s website, starting with https://.',
      ...uris.map((u) => `Redirect URI: ${u} (exactly, with nothing added).`),
      'Tick the terms and press "Create app".',
      s.appType === 'pkce'
        ? 'Open "Configuration" and copy the Client ID (this kind of app has no secret).'
        : 'Open "Configuration", copy the Client ID, then press "Generate a secret" and copy the secret at once: Xero shows it only once.',
    ];
    return {
      portal_url: 'https://developer.xero.com/app/manage',
      app_type: s.appType,
      app_type_label: LABELS[s.appType],
      app_type_choices: ['web', 'pkce', 'custom'].map((t) => ({ app_type: t, label: LABELS[t], explanation: EXPLAIN[t] })),
      app_name: appName,
      company_url_hint: 'https://your-business.example (any https address of your business)',
      redirect_uris: uris,
      scopes: scopes(),
      steps,
      tips: [
        'Sign in to Xero as a dedicated user kept for integrations, so the connection does not depend on one person\'s account.',
        'Have Xero\'s two-step verification (your authenticator app) at hand before you start.',
        'The client secret is shown only once: copy it before leaving the page. If it is lost, generate another one.',
      ],
    };
  }

  // Problems as Rust would find them, computed from the Client ID and the secret's shape only.
  const INVIS = /[\s\u0085\u200B\u200C\u200D\u2060\uFEFF]/u;
  function runName(run, side) {
    const n = [...run].length;
    const kind = /^ +$/.test(run) ? 'space' : /^\t+$/.test(run) ? 'tab' : /^[\u200B-\u200D\u2060\uFEFF]+$/u.test(run) ? 'zero-width character' : 'unusual space';
    return `${n} ${side} ${kind}${n === 1 ? '' : 's'}`;
  }
  function clean(label, field, raw, problems) {
    const chars = [...raw];
    let a = 0;
    let b = chars.length;
    while (a < b && INVIS.test(chars[a])) a++;
    while (b > a && INVIS.test(chars[b - 1])) b--;
    const inner = chars.slice(a, b).join('');
    const parts = [];
    if (a > 0) parts.push(runName(chars.slice(0, a).join(''), 'leading'));
    if (b < chars.length) parts.push(runName(chars.slice(b).join(''), 'trailing'));
    if (parts.length && inner) problems.push({ field, severity: 'notice', kind: 'whitespace', message: `${label}: ${parts.join(' and ')} — removed.` });
    if (!inner) problems.push({ field, severity: 'blocking', kind: 'empty', message: `${label} is empty: paste it from your app's Configuration page in the Xero developer portal.` });
    else if (INVIS.test(inner)) problems.push({ field, severity: 'blocking', kind: 'inner_whitespace', message: `${label} has a space or invisible character in the middle: copy it again from the portal, in one piece.` });
    return inner;
  }
  function problems() {
    const out = [];
    const id = clean('Client ID', 'client_id', s.clientId, out);
    if (id && !INVIS.test(id)) {
      if (!/^[0-9A-Fa-f]{32}$/.test(id)) {
        const n = [...id].length;
        out.push({ field: 'client_id', severity: 'blocking', kind: 'client_id_shape', message: `Client ID should be 32 characters of 0–9 and A–F; this one has ${n} character${n === 1 ? '' : 's'}${/^[0-9A-Fa-f]*$/.test(id) ? '' : ', some of them not 0–9 or A–F'}. Copy it again from the portal.` });
      } else if (/[a-f]/.test(id)) {
        out.push({ field: 'client_id', severity: 'warning', kind: 'client_id_case', message: 'Client ID is in lower case, but Xero shows it in capitals: check it was copied, not retyped.' });
      }
    }
    if (s.appType !== 'pkce' && !s.secretProvided) {
      const sec = clean('Client secret', 'client_secret', s.shape, out);
      if (sec && !INVIS.test(sec)) {
        const n = [...sec].length;
        const odd = /[^0aAgG_-]/.test(sec);
        if (n !== 48 || odd) out.push({ field: 'client_secret', severity: 'warning', kind: 'secret_shape', message: `Client secret has ${n} character${n === 1 ? '' : 's'}${odd ? ', some of them not letters, digits, - or _' : ''}; Xero's secrets are usually 48. Check it was copied whole.` });
      }
    }
    const rank = { blocking: 0, warning: 1, notice: 2 };
    return out.sort((x, y) => rank[x.severity] - rank[y.severity]);
  }

  // ---- views ----
  const base = (screen, extra = {}) => ({ screen, progress: null, banner: BANNER, busy: null, error: null, ...extra });
  const steps = () => (s.path === 'setup' ? 6 : 4);
  const prog = (n) => ({ step: n, of: steps() });
  const busy = (label, cancellable = true, ago = 4000) => ({ label, since_ms: Date.now() - ago, cancellable });

  const V = {
    welcome: () => base({ kind: 'welcome', connections: s.connections, reconnect_unavailable: s.connections.length ? null : 'There is no saved connection to reconnect yet: start with First setup.' }),
    create_app: () => base({ kind: 'create_app', guide: guide(), reconnect: s.path === 'reconnect', reconnect_steps: [
      'Open https://developer.xero.com/app/manage and sign in to Xero.',
      `Open the app "${s.name} connector", then "Configuration".`,
      'Press "Generate another secret" and copy it at once: Xero shows it only once.',
    ] }, { progress: prog(1) }),
    credentials: () => {
      const p = problems();
      return base({
        kind: 'credentials', name: s.name, name_editable: s.path === 'setup', app_type: s.appType, client_id: s.clientId,
        secret_needed: s.appType !== 'pkce', secret_provided: s.secretProvided, problems: p,
        can_continue: !p.some((x) => x.severity === 'blocking'), practice_fill_available: true,
      }, { progress: prog(2) });
    },
    scopes: () => base({ kind: 'scopes', apis: APIS.map(([api, label]) => ({ api, label, checked: s.apis.has(api) })), scopes: scopes() }, { progress: prog(3) }),
    consent: (state) => base({
      kind: 'consent', state,
      url: state === 'ready' ? null : `https://login.xero.com/identity/connect/authorize?response_type=code&client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=${encodeURIComponent(scopes().join(' '))}&state=Qm9vay1rZWVwaW5n`,
      redirect_uri: REDIRECT,
      hints: state === 'timed_out' ? [
        `The redirect URI registered for your app must be exactly ${REDIRECT}: open the app's Configuration in the developer portal and compare it character for character.`,
        'Xero\'s page may still be open in your browser, waiting for "Allow access".',
        'A firewall or security program may have blocked this computer\'s local address (localhost).',
      ] : [],
    }, {
      progress: prog(4),
      busy: state === 'waiting' ? busy('Waiting for you to allow access in Xero') : null,
      error: state === 'denied'
        ? { code: 'consent_denied', message: 'Access was not allowed on Xero\'s page: press Try again and choose "Allow access" to connect.', action: { label: 'Try again', event: { event: 'allow_access' } }, retry_after_secs: null }
        : state === 'timed_out'
          ? { code: 'consent_timeout', message: 'Xero did not answer within 5 minutes.', action: { label: 'Try again', event: { event: 'allow_access' } }, retry_after_secs: null }
          : null,
    }),
    choose_organisation: () => base({ kind: 'choose_organisation', organisations: [
      { tenant_id: TENANT_A, name: 'Demo Company (AU)', tenant_type: 'ORGANISATION', selected: s.tenant === TENANT_A },
      { tenant_id: TENANT_B, name: 'Harbour Street Bakery Ltd', tenant_type: 'ORGANISATION', selected: s.tenant === TENANT_B },
      { tenant_id: TENANT_C, name: 'Harbour Street Bakery Ltd', tenant_type: 'PRACTICE', selected: s.tenant === TENANT_C },
    ] }, { progress: prog(5) }),
    test: (result = null, extra = {}) => base({ kind: 'test', connection: s.name, organisation: 'Demo Company (AU)', tenant_id: TENANT_A, result }, { progress: prog(steps()), ...extra }),
    connections: (confirm = null) => base({ kind: 'connections', connections: s.connections, confirm_disconnect: confirm }),
  };

  const RESULT = {
    organisation: { id: TENANT_A, name: 'Demo Company (AU)', legal_name: 'Demo Company (AU) Pty Ltd', country_code: 'AU', base_currency: 'AUD', is_demo_company: true, version: 'AU', short_code: '!q7Xy2' },
    authorised_by: { email: 'staff@example.com', name: 'Sam Staff' },
    tested_at: '2026-11-22T14:25:07Z',
  };

  const SCENARIOS = {
    welcome: () => V.welcome(),
    welcome_empty: () => { s.connections = []; return V.welcome(); },
    create_app: () => V.create_app(),
    create_app_reconnect: () => { s.path = 'reconnect'; return V.create_app(); },
    credentials: () => V.credentials(),
    credentials_problems: () => { s.clientId = `${CLIENT_ID.slice(0, 28)} `; s.shape = 'aGgg00AAGg_gga-0000ggAgGgGGa0gaaaGgg0GGg0g0gAaGg  '; return V.credentials(); },
    credentials_practice: () => { s.clientId = CLIENT_ID; s.secretProvided = true; return V.credentials(); },
    scopes: () => V.scopes(),
    consent_ready: () => V.consent('ready'),
    consent_waiting: () => V.consent('waiting'),
    consent_denied: () => V.consent('denied'),
    consent_timed_out: () => V.consent('timed_out'),
    choose_organisation: () => V.choose_organisation(),
    test: () => V.test(),
    test_ok: () => V.test(RESULT),
    test_rate_limited: () => V.test(null, { error: { code: 'rate_limited', message: 'Xero\'s rate limit for this organisation was reached: try again in 42 seconds.', action: { label: 'Try again', event: { event: 'test_connection' } }, retry_after_secs: 42 } }),
    test_invalid_client: () => V.test(null, { error: { code: 'invalid_client', message: 'Xero did not accept the client ID or client secret: check both were copied exactly (a secret copied with a space is refused), or generate another secret in the Xero developer portal and reconnect.', action: { label: 'Reconnect', event: { event: 'start_reconnect', name: 'shop' } }, retry_after_secs: null } }),
    connections: () => V.connections(),
    connections_confirm: () => V.connections({ name: 'shop', text: 'This cannot be undone: Xero is told to remove this app\'s access to Demo Company (AU), and the saved secret and tokens are deleted from this computer.' }),
  };

  // ---- the wizard's answers to events ----
  let view = null;
  const waiting = [];
  const push = (v) => { view = v; setTimeout(() => waiting.splice(0).forEach((answer) => answer(clone(v))), 0); };
  const later = (ms, fn) => setTimeout(() => push(fn()), ms);

  function step(e) {
    const k = view.screen.kind;
    switch (e.event) {
      case 'home': return V.welcome();
      case 'start_setup': Object.assign(s, { path: 'setup', name: 'shop', clientId: '', shape: '', secretProvided: false }); return V.create_app();
      case 'start_reconnect': Object.assign(s, { path: 'reconnect', name: e.name, clientId: CLIENT_ID, shape: '', secretProvided: false }); return V.create_app();
      case 'open_connections': return V.connections();
      case 'choose_app_type': s.appType = e.app_type; return V.create_app();
      case 'open_portal': case 'open_again': return view;
      case 'fill_practice_credentials': Object.assign(s, { clientId: CLIENT_ID, secretProvided: true }); return V.credentials();
      case 'credentials_edited': Object.assign(s, { name: e.name, clientId: e.client_id, shape: e.secret_shape }); return V.credentials();
      case 'submit_credentials': {
        const v = V.credentials();
        return v.screen.can_continue ? (s.path === 'setup' ? V.scopes() : V.consent('ready')) : v;
      }
      case 'toggle_api': s.apis.has(e.api) ? s.apis.delete(e.api) : s.apis.add(e.api); return V.scopes();
      case 'next':
        if (k === 'create_app') return V.credentials();
        if (k === 'scopes') return V.consent('ready');
        if (k === 'choose_organisation') return V.test();
        return view;
      case 'back':
        if (k === 'credentials') return V.create_app();
        if (k === 'scopes') return V.credentials();
        if (k === 'consent') return s.path === 'setup' ? V.scopes() : V.credentials();
        return V.welcome();
      case 'allow_access': case 'add_organisation': return V.consent('waiting');
      case 'cancel': return k === 'consent' ? V.consent('ready') : { ...view, busy: null };
      case 'choose_organisation': s.tenant = e.tenant_id; return V.choose_organisation();
      case 'test_connection':
        if (e.name) {
          later(400, () => V.connections());
          return { ...V.connections(), busy: busy(`Testing "${e.name}"…`, false, 0) };
        }
        later(400, () => V.test(RESULT));
        return V.test(null, { busy: busy('Asking Xero for the organisation\'s details…', false, 0) });
      case 'rename': s.connections = s.connections.map((c) => (c.name === e.name ? { ...c, name: e.new_name } : c)); return V.connections();
      case 'disconnect': return SCENARIOS.connections_confirm();
      case 'confirm_disconnect': s.connections = s.connections.filter((c) => c.name !== view.screen.confirm_disconnect?.name); return V.connections();
      case 'cancel_disconnect': return V.connections();
      default: throw new Error(`unknown event ${e.event}`);
    }
  }

  const mock = {
    events: [],
    commands: [],
    copied: [],
    scenarios: Object.keys(SCENARIOS),
    /** Jumps to a scenario and pushes it, as Rust would after background work. */
    show(name) { push(SCENARIOS[name]()); },
    push(v) { push(v); },
    current: () => clone(view),
  };
  window.__mock = mock;

  const start = new URLSearchParams(location.search).get('scenario') || 'welcome';
  view = SCENARIOS[start]();

  window.__TAURI__ = {
    core: {
      async invoke(cmd, args) {
        if (cmd === 'wizard_view') return clone(view);
        if (cmd === 'wizard_next_view') return new Promise((answer) => waiting.push(answer));
        if (cmd === 'practice_start') {
          mock.commands.push(cmd);
          view = V.welcome();
          return clone(view);
        }
        if (cmd === 'wizard_send') {
          mock.events.push(clone(args.event));
          view = step(args.event);
          return clone(view);
        }
        throw new Error(`unknown command ${cmd}`);
      },
    },
    clipboardManager: {
      async writeText(text) { mock.copied.push(text); },
    },
  };
})();
