//! Secrets never leak: a whole setup, test, token, reconnect and remove, after which no client
//! secret, refresh token, access token, authorization code or id_token appears in any output
//! (but `token`'s own), in the settings folder or in the browser's log.

use xero_connect_e2e::TestEnv;

#[test]
fn no_secret_or_token_appears_anywhere_but_the_keychain() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    let mut secrets = vec![c.secret()];
    let record = env.keychain_record("shop").unwrap();
    secrets.push(record["refresh_token"].as_str().unwrap().to_string());

    env.cli(&["test", "shop"]).run().ok();
    env.cli(&["show", "shop"]).run().ok();
    env.cli(&["list", "--json"]).run().ok();
    let token = env.cli(&["token", "shop"]).run().ok();
    let access = token.stdout.trim().to_string();
    secrets.push(access.clone());
    let token_json = env.cli(&["token", "shop", "--json"]).run().ok();

    let new = env.sim.generate_secret(&c.app.client_id);
    secrets.push(new.clone());
    env.cli(&["reconnect", "shop"]).stdin(&new).run().ok();
    let record = env.keychain_record("shop").unwrap();
    secrets.push(record["refresh_token"].as_str().unwrap().to_string());
    secrets.push(record["access_token"].as_str().unwrap().to_string());

    // Failures too: their messages must not echo what was sent.
    let typo = xero_connect_e2e::mistyped(&new);
    secrets.push(typo.clone());
    env.cli(&["reconnect", "shop"]).stdin(&typo).run();
    env.cli(&["remove", "shop", "--yes"]).run().ok();

    // Every authorization code and id_token Xero issued during the run.
    let (codes, id_tokens) = (env.sim.issued_codes(), env.sim.issued_id_tokens());
    assert!(!codes.is_empty() && !id_tokens.is_empty(), "{} codes, {} id_tokens", codes.len(), id_tokens.len());
    secrets.extend(codes);
    secrets.extend(id_tokens);

    env.assert_no_leak(&secrets, &[token.stdout.as_str(), token_json.stdout.as_str()]);
    // Sanity: the check can see a leak where there is one.
    assert!(std::panic::catch_unwind(|| env.assert_no_leak(std::slice::from_ref(&access), &[])).is_err());
}
