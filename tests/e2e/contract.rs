//! Contract: the simulator's `GET /connections` answer and every API's Test Connection read (each
//! in the engine's table of APIs, `xero_connect::apis`: the Organisation, Assets, Files,
//! Projects, Payroll AU/NZ/UK), and the client's parsing of them, checked against Xero's
//! published OpenAPI definitions vendored in `tests/contract/xero-openapi/` — their schemas,
//! their example responses and the scopes their operations list. A simulator that invents or
//! mistypes a field fails here, and so does a client that cannot read what Xero's own examples
//! show.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use xero_connect::apis::{Api, OpenApi, Read};
use xero_connect::probe::{choose, parse_organisation, Answer, Probe};
use xero_connect::tenants::parse_connections;
use xero_sim::{seed_demo, AppKind, AppSpec, OrgSpec, Simulator};

// ---- The schema checker -------------------------------------------------------------------

/// Every way `value` breaks `schema` (a node of `spec`), each message prefixed with its path.
fn check(value: &Value, schema: &Value, spec: &Value, path: &str) -> Vec<String> {
    // OpenAPI 3.0 ignores the siblings of a `$ref` (Xero writes `type: string` beside some),
    // so the referenced schema is the whole story.
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unsupported $ref {r}"));
        let target = spec.pointer(&format!("/components/schemas/{name}"));
        return check(value, target.unwrap_or_else(|| panic!("{path}: $ref {r} points nowhere")), spec, path);
    }
    if value.is_null() && schema["nullable"] == true {
        return Vec::new();
    }
    // Xero's `Connection` has no `type`, only `properties`: it still describes an object.
    let ty = schema["type"].as_str().or(schema.get("properties").map(|_| "object"));
    let type_ok = match ty {
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some(other) => panic!("{path}: the checker does not know type {other}"),
        None => true,
    };
    if !type_ok {
        // Nothing below means anything for a value of the wrong type.
        return vec![format!("{path}: expected {}, got {value}", ty.unwrap_or_default())];
    }
    let mut errors = Vec::new();
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            errors.push(format!("{path}: {value} is not in its enum"));
        }
    }
    if let Some(s) = value.as_str() {
        // Other formats (int32, double, date, byte…) only annotate numbers or are unused here.
        let format = schema["format"].as_str().unwrap_or_default();
        let msdate = schema["x-is-msdate"] == true || schema["x-is-msdate-time"] == true;
        let bad = match format {
            "uuid" => !is_uuid(s),
            "date-time" => !is_date_time(s),
            _ => msdate && !is_ms_date(s),
        };
        if bad {
            let what = if msdate { "/Date(ms)/" } else { format };
            errors.push(format!("{path}: {s:?} is not a {what}"));
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), value.as_array()) {
        for (i, v) in a.iter().enumerate() {
            errors.extend(check(v, items, spec, &format!("{path}[{i}]")));
        }
    }
    if let Some(o) = value.as_object() {
        let props = schema["properties"].as_object();
        for (k, v) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => errors.extend(check(v, s, spec, &format!("{path}.{k}"))),
                // A field the schema does not declare is a field real Xero does not send.
                None if props.is_some() => errors.push(format!("{path}.{k}: not declared by the schema")),
                None => {}
            }
        }
        for r in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !o.contains_key(r) {
                errors.push(format!("{path}.{r}: required but missing"));
            }
        }
    }
    errors
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// RFC 3339 date-time, except that the zone may be missing: Xero's `/connections` sends UTC as
/// `2019-12-07T18:46:19.5165400`, and its own example does the same.
fn is_date_time(s: &str) -> bool {
    let shape = |s: &str, pattern: &str| {
        s.len() == pattern.len()
            && s.chars().zip(pattern.chars()).all(|(c, p)| if p == 'd' { c.is_ascii_digit() } else { c == p })
    };
    let (Some(head), Some(rest)) = (s.get(..19), s.get(19..)) else {
        return false;
    };
    let rest = rest.strip_prefix('.').map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let zone_ok = rest.is_empty() || rest == "Z" || (rest.starts_with(['+', '-']) && shape(&rest[1..], "dd:dd"));
    shape(head, "dddd-dd-ddTdd:dd:dd") && zone_ok
}

/// The Accounting API's `/Date(1552404447003)/`, optionally with an offset (`+0000`).
fn is_ms_date(s: &str) -> bool {
    let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) else {
        return false;
    };
    let inner = inner.strip_prefix('-').unwrap_or(inner); // before 1970
    let (ms, offset) = inner.split_at(inner.find(['+', '-']).unwrap_or(inner.len()));
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    digits(ms) && (offset.is_empty() || offset.len() == 5 && digits(&offset[1..]))
}

// ---- Xero's definitions --------------------------------------------------------------------

fn openapi_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract/xero-openapi");
    assert!(
        dir.join("xero-identity.yaml").is_file() && dir.join("xero_accounting.yaml").is_file(),
        "Xero's OpenAPI definitions (xero-identity.yaml, xero_accounting.yaml) are not in {}: \
         they are vendored in tests/contract/xero-openapi (see SOURCE.md there)",
        dir.display()
    );
    dir
}

fn load(file: &str) -> Value {
    let path = openapi_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

/// `xero-identity.yaml`, parsed once for all tests.
fn identity() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| load("xero-identity.yaml"))
}

/// `xero_accounting.yaml` (926 KB), parsed once for all tests.
fn accounting() -> &'static Value {
    spec_of("xero_accounting.yaml")
}

/// The `application/json` content of an operation's 200 response (schema and example).
fn response_200<'a>(spec: &'a Value, path: &str) -> &'a Value {
    let pointer = format!("/paths/{}/get/responses/200/content/application~1json", path.replace('/', "~1"));
    spec.pointer(&pointer).unwrap_or_else(|| panic!("the spec has no JSON 200 response for GET {path}"))
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}")).unwrap_or_else(|| panic!("no schema {name}"))
}

// ---- Talking to the simulator --------------------------------------------------------------

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(f)
}

/// An access token of a custom connection (client_credentials, no consent, no keyring), with
/// the app's default scopes or those named.
fn custom_token(sim: &Simulator, client_id: &str, secret: &str, scope: Option<&str>) -> String {
    block_on(async {
        let mut form = vec![("grant_type", "client_credentials")];
        form.extend(scope.map(|s| ("scope", s)));
        let resp = reqwest::Client::new()
            .post(format!("{}/connect/token", sim.url()))
            .basic_auth(client_id, Some(secret))
            .form(&form)
            .send()
            .await
            .expect("token request");
        assert_eq!(resp.status(), 200, "token request refused");
        let v: Value = resp.json().await.expect("token JSON");
        v["access_token"].as_str().expect("access_token").to_string()
    })
}

/// The body of a successful JSON GET.
fn get(url: &str, token: &str, tenant: Option<&str>) -> Vec<u8> {
    block_on(async {
        let mut req = reqwest::Client::new().get(url).bearer_auth(token).header("Accept", "application/json");
        if let Some(t) = tenant {
            req = req.header("xero-tenant-id", t);
        }
        let resp = req.send().await.expect("GET reaches the simulator");
        let status = resp.status();
        let body = resp.bytes().await.expect("body").to_vec();
        assert_eq!(status, 200, "GET {url}: {}", String::from_utf8_lossy(&body));
        body
    })
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// A custom connection bound to `tenant` and its access token (default scopes, or `scope`).
fn custom_connection_with(sim: &Simulator, tenant: &str, scope: Option<&str>) -> (String, String) {
    let spec = AppSpec { kind: AppKind::Custom, custom_tenant: Some(tenant.into()), ..AppSpec::default() };
    let app = sim.add_app(spec);
    let secret = app.client_secret.as_deref().expect("custom apps have a secret");
    let token = custom_token(sim, &app.client_id, secret, scope);
    (app.client_id, token)
}

fn custom_connection(sim: &Simulator, tenant: &str) -> (String, String) {
    custom_connection_with(sim, tenant, None)
}

// ---- Tests ---------------------------------------------------------------------------------

#[test]
fn simulator_connections_follow_the_connection_schema_and_parse() {
    let spec = identity();
    let sim = Simulator::start().expect("simulator starts");
    let demo = seed_demo(&sim);
    let (client_id, token) = custom_connection(&sim, &demo.harbour_uk);
    let body = get(&format!("{}/connections", sim.url()), &token, None);
    let list = json_of(&body);

    assert_eq!(list.as_array().map(Vec::len), Some(1), "one connection: {list}");
    let errors = check(&list, &response_200(spec, "/Connections")["schema"], spec, "$");
    assert!(errors.is_empty(), "/connections breaks the contract:\n{}", errors.join("\n"));
    for (i, c) in list.as_array().into_iter().flatten().enumerate() {
        let errors = check(c, schema(spec, "Connection"), spec, &format!("$[{i}]"));
        assert!(errors.is_empty(), "a connection breaks the contract:\n{}", errors.join("\n"));
    }

    let parsed = parse_connections(&body).expect("the client reads the simulator's /connections");
    let held = sim.connections_of(&client_id);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].tenant_id, demo.harbour_uk);
    assert_eq!(parsed[0].tenant_name.as_deref(), Some("Harbour Bakery"));
    assert_eq!(parsed[0].tenant_type.as_deref(), Some("ORGANISATION"));
    assert_eq!(parsed[0].id, held[0].id);
    assert_eq!(parsed[0].auth_event_id.as_deref(), Some(held[0].auth_event_id.as_str()));
}

#[test]
fn simulator_organisation_follows_the_organisations_schema_and_parses() {
    let spec = accounting();
    let response = response_200(spec, "/Organisation");
    // The response schema `Organisations` declares only the `Organisations` array, yet Xero's
    // own example (what the API really sends) carries the envelope Id, Status, ProviderName,
    // DateTimeUTC too. Exactly those deviations of the example are tolerated, no others.
    let envelope = check(&response["example"], &response["schema"], spec, "$");
    assert!(envelope.iter().all(|e| e.ends_with("not declared by the schema") && !e.starts_with("$.Organisations")));

    let sim = Simulator::start().expect("simulator starts");
    let demo = seed_demo(&sim);
    let us = sim.add_org(OrgSpec {
        name: "Prairie Hardware".into(),
        country_code: "US".into(),
        base_currency: "USD".into(),
        is_demo: false,
        version: "US".into(),
    });
    let cases = [
        (demo.demo_company.clone(), "Demo Company (AU)", "AU", "AUD", "AU", true),
        (demo.harbour_uk.clone(), "Harbour Bakery", "GB", "GBP", "UK", false),
        (us, "Prairie Hardware", "US", "USD", "US", false),
    ];
    for (tenant, name, country, currency, version, is_demo) in cases {
        let (_, token) = custom_connection(&sim, &tenant);
        let body = get(&format!("{}/api.xro/2.0/Organisation", sim.url()), &token, Some(&tenant));
        let v = json_of(&body);

        let errors: Vec<String> =
            check(&v, &response["schema"], spec, "$").into_iter().filter(|e| !envelope.contains(e)).collect();
        assert!(errors.is_empty(), "{name}: Organisation answer breaks the contract:\n{}", errors.join("\n"));
        // The envelope has no schema: hold it to the JSON types and formats of Xero's example.
        for (k, ex) in response["example"].as_object().into_iter().flatten() {
            assert_eq!(std::mem::discriminant(&v[k]), std::mem::discriminant(ex), "{name}: $.{k} is {}", v[k]);
        }
        assert!(
            is_uuid(v["Id"].as_str().unwrap_or_default()) && is_ms_date(v["DateTimeUTC"].as_str().unwrap_or_default())
        );
        let orgs = v["Organisations"].as_array().expect("Organisations array");
        assert_eq!(orgs.len(), 1, "{name}: {v}");
        for (i, o) in orgs.iter().enumerate() {
            let errors = check(o, schema(spec, "Organisation"), spec, &format!("$.Organisations[{i}]"));
            assert!(errors.is_empty(), "{name}: organisation breaks the contract:\n{}", errors.join("\n"));
        }

        let o = parse_organisation(&body).expect("the client reads the simulator's Organisation");
        assert_eq!(o.id, tenant);
        assert_eq!(o.name, name);
        assert_eq!(o.country_code.as_deref(), Some(country));
        assert_eq!(o.base_currency.as_deref(), Some(currency));
        assert_eq!(o.version.as_deref(), Some(version));
        assert_eq!(o.is_demo_company, Some(is_demo), "{name}");
    }
}

#[test]
fn the_client_parses_xeros_own_examples() {
    // GET /connections: the example is JSON inside a YAML string.
    let identity = identity();
    let example = response_200(identity, "/Connections")["example"].as_str().expect("a /connections example");
    let expected = json_of(example.as_bytes());
    let errors = check(&expected, &response_200(identity, "/Connections")["schema"], identity, "$");
    assert!(errors.is_empty(), "Xero's example fails the checker (the checker is wrong):\n{}", errors.join("\n"));
    let parsed = parse_connections(example.as_bytes()).expect("the client reads Xero's /connections example");
    let want = expected.as_array().expect("an array");
    assert!(!want.is_empty());
    assert_eq!(parsed.len(), want.len());
    for (p, w) in parsed.iter().zip(want) {
        assert_eq!(p.id, w["id"]);
        assert_eq!(p.tenant_id, w["tenantId"]);
        assert_eq!(p.tenant_name.as_deref(), w["tenantName"].as_str());
        assert_eq!(p.tenant_type.as_deref(), w["tenantType"].as_str());
        assert_eq!(p.created_date_utc.as_deref(), w["createdDateUtc"].as_str());
        assert_eq!(p.updated_date_utc.as_deref(), w["updatedDateUtc"].as_str());
    }

    // GET /Organisation: the example is YAML, i.e. the JSON Xero sends.
    let accounting = accounting();
    let expected = &response_200(accounting, "/Organisation")["example"];
    let w = &expected["Organisations"][0];
    let errors = check(w, schema(accounting, "Organisation"), accounting, "$.Organisations[0]");
    assert!(errors.is_empty(), "Xero's example fails the checker (the checker is wrong):\n{}", errors.join("\n"));
    let body = serde_json::to_vec(expected).unwrap();
    let o = parse_organisation(&body).expect("the client reads Xero's Organisation example");
    assert_eq!(o.id, w["OrganisationID"]);
    assert_eq!(o.name, w["Name"]);
    assert_eq!(o.legal_name.as_deref(), w["LegalName"].as_str());
    assert_eq!(o.country_code.as_deref(), w["CountryCode"].as_str());
    assert_eq!(o.base_currency.as_deref(), w["BaseCurrency"].as_str());
    assert_eq!(o.version.as_deref(), w["Version"].as_str());
    assert_eq!(o.short_code.as_deref(), w["ShortCode"].as_str());
    assert_eq!(o.is_demo_company, w["IsDemoCompany"].as_bool());
}

#[test]
fn the_checker_reports_a_wrong_type_and_an_undeclared_field() {
    let spec = identity();
    let value = json!({
        "id": 42,
        "tenantId": "fe79f7dd-b6d4-4a92-ba7b-538af6289c58",
        "createdDateUtc": "2019-12-07T18:46:19.5165400",
        "nickname": "invented by a simulator",
    });
    let errors = check(&value, schema(spec, "Connection"), spec, "$");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with("$.id: expected string"), "{errors:#?}");
    assert!(errors[1].starts_with("$.nickname: not declared"), "{errors:#?}");

    // Formats and enums fail too.
    let bad = json!({ "id": "not-a-uuid", "createdDateUtc": "07/12/2019" });
    assert_eq!(check(&bad, schema(spec, "Connection"), spec, "$").len(), 2);
    let org = json!({ "Version": "MARS", "CreatedDateUTC": "2019-01-01" });
    assert_eq!(check(&org, schema(accounting(), "Organisation"), accounting(), "$").len(), 2);
}

// ---- Each API's Test Connection reads ------------------------------------------------------

/// Every read Test Connection may make, from the engine's table of APIs, once for each OpenAPI
/// file that defines it (Payroll 2.0's is defined twice, for NZ and for the UK).
fn reads() -> impl Iterator<Item = (Api, &'static Read, &'static OpenApi)> {
    Api::ALL.into_iter().flat_map(|api| {
        let reads = api.description().test.reads();
        reads.iter().flat_map(move |read| read.defined_in.iter().map(move |def| (api, read, def)))
    })
}

/// The definitions, parsed once (the payroll files are large).
fn spec_of(file: &str) -> &'static Value {
    static SPECS: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    let specs = SPECS.get_or_init(|| {
        let mut files: Vec<&'static str> = reads().map(|(_, _, def)| def.file).collect();
        files.sort_unstable();
        files.dedup();
        files.into_iter().map(|f| (f, load(f))).collect()
    });
    &specs.iter().find(|(f, _)| *f == file).unwrap_or_else(|| panic!("{file} is not loaded")).1
}

/// A read's path as its definition spells it, relative to the definition's `servers` URL
/// (`/Settings` for `/assets.xro/1.0/Settings`); a read outside that server fails.
fn spec_path(spec: &Value, def: &OpenApi, read: &Read) -> String {
    let server = spec["servers"][0]["url"].as_str().expect("a server URL");
    let base = server.trim_end_matches('/').strip_prefix("https://api.xero.com").unwrap_or(server);
    let path = read.answered_by.path;
    match path.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => panic!("{}: {path} is not on its server {server}", def.file),
    }
}

/// Xero's example response, as JSON (Files writes its example as JSON inside a YAML string).
fn example_of(spec: &Value, path: &str) -> Value {
    match &response_200(spec, path)["example"] {
        Value::String(text) => json_of(text.as_bytes()),
        other => other.clone(),
    }
}

/// How Xero's own example breaks its schema: the envelope the payroll and Accounting-style
/// answers carry beyond the declared body, `required: [name]` where the property is spelt
/// otherwise, `pagination: null` without `nullable`. An answer may deviate exactly so, no more.
fn tolerated(spec: &Value, path: &str) -> Vec<String> {
    check(&example_of(spec, path), &response_200(spec, path)["schema"], spec, "$")
}

/// The client's reading of an answer, with how much it read: a reader that finds nothing in an
/// answer that has content (a misspelt field read as absent) fails.
fn read_with(read: &Read, body: &[u8]) -> Result<usize, String> {
    let answer = (read.reader)(body).map_err(|e| e.to_string())?;
    Ok(match answer {
        Answer::Organisation(o) => o.name.len(),
        Answer::AssetSettings(s) => s.asset_number_prefix.map_or(0, |p| p.len()),
        Answer::Folders(f) => f.len(),
        Answer::ProjectUsers(u) => u.items.len(),
        Answer::PayrollSettings(s) => s.account_types.len(),
    })
}

#[test]
fn each_read_needs_the_scope_the_client_chooses_it_for() {
    for (api, read, def) in reads() {
        let spec = spec_of(def.file);
        let path = spec_path(spec, def, read);
        let security = spec.pointer(&format!("/paths/{}/get/security", path.replace('/', "~1")));
        let scopes: Vec<&str> = security
            .and_then(|s| s[0]["OAuth2"].as_array())
            .unwrap_or_else(|| panic!("{}: GET {path} lists no OAuth2 scopes", def.file))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let scope = api.description().test_scope;
        assert_eq!(scopes, [scope.to_string(), format!("{scope}.read")], "{} GET {path}", def.file);
        // That scope alone makes the client choose this API's call.
        assert_eq!(choose(&[format!("{scope}.read")]), Probe::Api(api), "{}", def.file);
    }
}

#[test]
fn the_client_parses_each_reads_example() {
    for (_, read, def) in reads() {
        let spec = spec_of(def.file);
        let example = example_of(spec, &spec_path(spec, def, read));
        let n = read_with(read, &serde_json::to_vec(&example).unwrap())
            .unwrap_or_else(|e| panic!("{}: the client cannot read Xero's example: {e}", def.file));
        assert!(n > 0, "{}: the example's content was not read", def.file);
    }
}

#[test]
fn simulator_reads_follow_each_apis_schema_and_parse() {
    let sim = Simulator::start().expect("simulator starts");
    let demo = seed_demo(&sim);
    let scopes: Vec<String> = Api::ALL.iter().map(|a| format!("{}.read", a.description().test_scope)).collect();
    let scope = Some(scopes.join(" "));
    // One demo organisation per country; a read of an API split by region is asked for its own.
    let orgs = [("AU", &demo.demo_company), ("NZ", &demo.harbour_nz), ("GB", &demo.harbour_uk)]
        .map(|(country, tenant)| (country, tenant, custom_connection_with(&sim, tenant, scope.as_deref()).1));
    for (_, read, def) in reads() {
        let spec = spec_of(def.file);
        let path = spec_path(spec, def, read);
        let allowed = tolerated(spec, &path);
        let example = example_of(spec, &path);
        for (country, tenant, token) in orgs.iter().filter(|(c, ..)| def.country.is_none_or(|want| want == *c)) {
            let at = format!("{} GET {path} for {country}", def.file);
            let body = get(&format!("{}{}", sim.url(), read.answered_by.path), token, Some(tenant));
            let v = json_of(&body);
            let errors: Vec<String> = check(&v, &response_200(spec, &path)["schema"], spec, "$")
                .into_iter()
                .filter(|e| !allowed.contains(e))
                .collect();
            assert!(errors.is_empty(), "{at}: the simulator breaks the contract:\n{}", errors.join("\n"));
            // Undeclared envelope fields: held to the JSON types of Xero's example.
            for e in allowed.iter().filter(|e| e.ends_with("not declared by the schema")) {
                let key = e.trim_start_matches("$.").split(':').next().unwrap_or_default();
                if !key.contains(['.', '[']) {
                    let (got, want) = (&v[key], &example[key]);
                    assert_eq!(std::mem::discriminant(got), std::mem::discriminant(want), "{at}: $.{key} is {got}");
                }
            }
            let n =
                read_with(read, &body).unwrap_or_else(|e| panic!("{at}: the client cannot read the simulator: {e}"));
            assert!(n > 0, "{at}: nothing read from {}", String::from_utf8_lossy(&body));
        }
    }
}
