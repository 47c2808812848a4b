// A fake window.__TAURI__ that replays the views Rust really builds, for trying the wizard UI in
// a plain browser and for check.mjs. The views and the transitions between them are recorded by
// crates/xero-connect/tests/views.rs into views/ (one file per view, and index.json); this file
// holds no wizard of its own.
//
// core.invoke answers wizard_view with the current view; wizard_send(event) records the event and
// moves along the recorded transition that starts at the current view with that event (else the
// view stays as it is, as Rust's would for a keystroke that changes nothing recorded); a view Rust
// pushed after it (a recorded transition without an event) follows on wizard_next_view a moment
// later (?pushes=off: only when the test calls show). clipboardManager.writeText records what
// was copied. Tests read window.__mock (events, commands, copied, views, show(name)). Start on any
// view with ?view=NAME (default: welcome).
(() => {
  'use strict';

  const clone = (v) => JSON.parse(JSON.stringify(v));
  const load = (path) => {
    // Synchronous, so the page's modules find the fake in place when they start.
    const xhr = new XMLHttpRequest();
    xhr.open('GET', new URL(path, document.currentScript.src), false);
    xhr.send();
    if (xhr.status !== 200) throw new Error(`mock: cannot load ${path} (${xhr.status})`);
    return JSON.parse(xhr.responseText);
  };
  const index = load('views/index.json');
  const views = Object.fromEntries(index.views.map((name) => [name, load(`views/${name}.json`)]));

  // Events with free text (typing) are matched on the fields that decide the answer.
  const KEY_FIELDS = { credentials_edited: ['name', 'client_id', 'secret_shape'], submit_credentials: ['name'] };
  function same(recorded, sent) {
    if (recorded.event !== sent.event) return false;
    const fields = KEY_FIELDS[sent.event] ?? Object.keys({ ...recorded, ...sent });
    return fields.every((k) => JSON.stringify(recorded[k]) === JSON.stringify(sent[k]));
  }

  let seq = 0;
  let current = new URLSearchParams(location.search).get('view') || 'welcome';
  if (!views[current]) throw new Error(`mock: no recorded view ${current}`);
  const waiting = [];
  let pending = [];

  // A view as Rust would send it now: numbered, and its work started just now.
  function serve(name) {
    const v = clone(views[name]);
    v.seq = ++seq;
    if (v.busy) v.busy.since_ms = Date.now() - 5000;
    return v;
  }

  function push(name) {
    current = name;
    const v = serve(name);
    if (waiting.length) while (waiting.length) waiting.shift()(v);
    else pending.push(v);
  }

  // Views Rust pushes after `name` (work it started), one after another; ?pushes=off leaves
  // them to the test, which calls show(name) when it is ready for the next.
  const autoPush = new URLSearchParams(location.search).get('pushes') !== 'off';
  function followUps(name) {
    if (!autoPush) return;
    const next = index.transitions.find((t) => t.from === name && t.pushed);
    if (next) setTimeout(() => { if (current === name) { push(next.to); followUps(next.to); } }, 400);
  }

  function step(event) {
    const t = index.transitions.find((x) => x.from === current && x.event && same(x.event, event));
    if (t) {
      current = t.to;
      followUps(current);
    }
    return serve(current);
  }

  const mock = {
    events: [],
    commands: [],
    copied: [],
    views: Object.keys(views),
    /** Jumps to a recorded view and pushes it, as Rust would after background work. */
    show(name) { push(name); },
    current: () => current,
  };
  window.__mock = mock;

  window.__TAURI__ = {
    core: {
      async invoke(cmd, args) {
        if (cmd === 'wizard_view') {
          followUps(current);
          return serve(current);
        }
        if (cmd === 'wizard_next_view') {
          const ready = pending.filter((v) => v.seq > args.after);
          pending = [];
          if (ready.length) return ready.at(-1);
          return new Promise((answer) => waiting.push(answer));
        }
        if (cmd === 'practice_start') {
          mock.commands.push(cmd);
          current = 'practice-welcome';
          return serve(current);
        }
        if (cmd === 'wizard_send') {
          mock.events.push(clone(args.event));
          return step(args.event);
        }
        throw new Error(`unknown command ${cmd}`);
      },
    },
    clipboardManager: {
      async writeText(text) { mock.copied.push(text); },
    },
  };
})();
