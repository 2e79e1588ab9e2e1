//! `whoami-admin login --hosted` against the emulator's hosted sign-in page (ministack serves
//! `/oauth2/authorize`, its login form, and `/oauth2/token` with PKCE checked). The browser's part
//! is played by the test: it reads the address the CLI prints with `--no-browser`, fetches the
//! login form, posts it as a browser would, and follows the redirect to the CLI's loopback port.

mod common;

use std::io::{BufRead as _, BufReader, Read as _};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};

use common::{PoolOptions, Run, Scene, block_on};
use reqwest::Url;
use whoami_shared::token::decode_claims_unverified;

const PASSWORD: &str = "Correct-Horse-7";
const EMAIL: &str = "hosted@example.com";

/// A loopback port free right now, for the app client's callback URL and the CLI's `--port`.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A pool whose app client signs in on the hosted page, with one user, and the port it comes
/// back to.
fn scene(client_secret: bool) -> (Scene, u16) {
    let port = free_port();
    let options = PoolOptions { hosted_ui_port: Some(port), client_secret, ..PoolOptions::default() };
    let scene = Scene::new(options);
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    (scene, port)
}

/// `whoami-admin login --hosted --no-browser` (or another command), waiting for the browser.
struct Waiting {
    child: Child,
    /// The sign-in page's address the CLI printed.
    authorize_url: Url,
    stderr: String,
}

impl Waiting {
    /// Starts `whoami-admin <args> --no-browser --port <port>` and reads standard error until
    /// the address to open.
    fn start(scene: &Scene, args: &[&str], port: u16) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_whoami-admin"))
            .arg("--config")
            .arg(&scene.config)
            .args(args)
            // Less than the 10 s the CLI gives one connection to send its request, so a
            // connection that sends nothing cannot hold the answer up unseen.
            .args(["--no-browser", "--port", &port.to_string(), "--timeout", "8"])
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut printed = String::new();
        let authorize_url = loop {
            let mut line = String::new();
            assert_ne!(stderr.read_line(&mut line).unwrap(), 0, "no address printed: {printed}");
            printed.push_str(&line);
            if let Some(url) = line.strip_prefix("  ") {
                break Url::parse(url.trim_end()).unwrap();
            }
        };
        // The rest of standard error is read when the command ends.
        child.stderr = Some(stderr.into_inner());
        Self { child, authorize_url, stderr: printed }
    }

    /// The value of `key` in the sign-in page's address.
    fn param(&self, key: &str) -> String {
        self.authorize_url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned()).unwrap()
    }

    /// Waits for the command to end.
    fn finish(mut self) -> Run {
        let mut stdout = String::new();
        self.child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
        self.child.stderr.take().unwrap().read_to_string(&mut self.stderr).unwrap();
        let status = self.child.wait().unwrap();
        Run { code: status.code().expect("whoami-admin was killed by a signal"), stdout, stderr: self.stderr }
    }
}

/// The browser: an HTTP client that keeps redirects to itself, so the test sees where each goes.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Opens the sign-in page, fills in its form and submits it, as a user at a browser does;
/// returns where the page then sends the browser (the `Location` of its redirect).
fn sign_in_on_the_page(authorize_url: &Url, email: &str, password: &str) -> Url {
    block_on(async {
        let browser = browser();
        let page = browser.get(authorize_url.clone()).send().await.unwrap();
        assert_eq!(page.status(), 200, "the sign-in page");
        let html = page.text().await.unwrap();
        let mut form = hidden_inputs(&html);
        form.push(("username".into(), email.into()));
        form.push(("password".into(), password.into()));
        let action = authorize_url.join(&form_action(&html)).unwrap();
        let answer = browser.post(action).form(&form).send().await.unwrap();
        assert!(answer.status().is_redirection(), "the form's answer redirects: {}", answer.status());
        let location = answer.headers()["location"].to_str().unwrap();
        Url::parse(location).unwrap()
    })
}

/// The browser following a redirect to `url`: the page it shows.
fn follow(url: &Url) -> String {
    block_on(async { browser().get(url.clone()).send().await.unwrap().text().await.unwrap() })
}

/// The `action` of the page's first form.
fn form_action(html: &str) -> String {
    attribute(&html[html.find("<form").expect("the page has a form")..], "action")
}

/// The name and value of every hidden input of the page.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .map(|tag| (attribute(tag, "name"), attribute(tag, "value")))
        .collect()
}

/// The value of the attribute `name` in the tag starting `tag`, HTML entities decoded.
fn attribute(tag: &str, name: &str) -> String {
    let start = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in {tag}")) + name.len() + 3;
    let value = &tag[start..start + tag[start..].find('"').unwrap()];
    value.replace("&quot;", "\"").replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// `url` with its query parameter `key` set to `value`.
fn with_param(url: &Url, key: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == key { value.to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    let mut changed = url.clone();
    changed.query_pairs_mut().clear().extend_pairs(pairs);
    changed
}

/// The claims of an ID token printed by `login`: (email, token_use, aud).
fn claims(token: &str) -> (String, String, String) {
    #[derive(serde::Deserialize)]
    struct Claims {
        email: String,
        token_use: String,
        aud: String,
    }
    let claims: Claims = decode_claims_unverified(token.trim()).unwrap_or_else(|e| panic!("not a JWT ({e}): {token}"));
    (claims.email, claims.token_use, claims.aud)
}

#[test]
fn login_hosted_prints_the_id_token_of_the_user_who_signed_in_on_the_page() {
    for client_secret in [false, true] {
        let (scene, port) = scene(client_secret);
        let waiting = Waiting::start(&scene, &["login", "--hosted"], port);
        // What the CLI asks the page for: the code grant, with PKCE's S256 challenge.
        let url = &waiting.authorize_url;
        assert_eq!(url.origin().ascii_serialization(), scene.emulator.url.trim_end_matches('/'));
        assert_eq!(url.path(), "/oauth2/authorize");
        assert_eq!(waiting.param("response_type"), "code");
        assert_eq!(waiting.param("client_id"), scene.client_id);
        assert_eq!(waiting.param("redirect_uri"), format!("http://127.0.0.1:{port}/callback"));
        assert_eq!(waiting.param("scope"), "openid email");
        assert_eq!(waiting.param("code_challenge_method"), "S256");
        assert_eq!(waiting.param("code_challenge").len(), 43);
        assert!(waiting.param("state").len() >= 43, "a state of 256 random bits");

        let back = sign_in_on_the_page(&waiting.authorize_url, EMAIL, PASSWORD);
        assert_eq!(back.as_str().split('?').next(), Some(format!("http://127.0.0.1:{port}/callback").as_str()));
        let code = back.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
        let page = follow(&back);
        assert!(page.contains("Signed in. You can close this tab"), "{page}");
        let run = waiting.finish();
        let (email, token_use, aud) = claims(run.ok());
        assert_eq!((email.as_str(), token_use.as_str(), aud.as_str()), (EMAIL, "id", scene.client_id.as_str()));
        // The code, the verifier (never seen here) and the tokens stay off standard error.
        assert!(!run.stderr.contains(&code) && !run.stderr.contains(run.stdout.trim()), "{run:#?}");
    }
}

#[test]
fn call_api_hosted_calls_the_api_with_the_id_token() {
    let api = common::FakeApi::start();
    let port = free_port();
    let scene = Scene::with_api(PoolOptions { hosted_ui_port: Some(port), ..PoolOptions::default() }, &api.url);
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    let waiting = Waiting::start(&scene, &["call-api", "--hosted"], port);
    follow(&sign_in_on_the_page(&waiting.authorize_url, EMAIL, PASSWORD));
    let run = waiting.finish();
    let answer: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(answer["response"]["results"]["email"], EMAIL);
    assert_eq!(api.seen.lock().unwrap().len(), 1);
}

#[test]
fn an_answer_with_another_state_is_refused() {
    let (scene, port) = scene(false);
    let waiting = Waiting::start(&scene, &["login", "--hosted"], port);
    let back = sign_in_on_the_page(&waiting.authorize_url, EMAIL, PASSWORD);
    let page = follow(&with_param(&back, "state", "someone-elses-sign-in"));
    assert!(page.contains("did not complete") && page.contains("You can close this tab"), "{page}");
    let run = waiting.finish();
    let message = run.fails(1);
    assert!(
        message.ends_with(
            "whoami-admin: the browser came back with a `state` this sign-in did not send, so the answer may belong \
             to someone else's sign-in; it was refused. Run the command again\n"
        ),
        "{message}"
    );
}

#[test]
fn an_error_from_the_page_is_a_sentence() {
    let (scene, port) = scene(false);
    let waiting = Waiting::start(&scene, &["login", "--hosted"], port);
    // What Cognito sends back when the user (or an identity provider) declines.
    let mut back = Url::parse(&format!("http://127.0.0.1:{port}/callback")).unwrap();
    back.query_pairs_mut()
        .append_pair("error", "access_denied")
        .append_pair("error_description", "User declined")
        .append_pair("state", &waiting.param("state"));
    let page = follow(&back);
    assert!(page.contains("did not complete"), "{page}");
    let message = waiting.finish().fails(1).to_owned();
    assert!(
        message.ends_with(
            "whoami-admin: the sign-in page did not sign you in (access_denied: User declined); run the command again\n"
        ),
        "{message}"
    );
}

#[test]
fn stray_requests_do_not_end_the_wait() {
    let (scene, port) = scene(false);
    let waiting = Waiting::start(&scene, &["login", "--hosted"], port);
    // A connection that sends nothing (a browser's preconnect), held open throughout: the CLI
    // gives such a connection 10 s, but reads the others meanwhile.
    let _silent = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let stray = |path: &str| {
        block_on(async {
            let answer = browser().get(format!("http://127.0.0.1:{port}{path}")).send().await.unwrap();
            answer.status().as_u16()
        })
    };
    assert_eq!(stray("/favicon.ico"), 404);
    assert_eq!(stray("/callback"), 400);
    follow(&sign_in_on_the_page(&waiting.authorize_url, EMAIL, PASSWORD));
    assert_eq!(claims(waiting.finish().ok()).0, EMAIL);
}

#[test]
fn no_answer_in_time_is_a_sentence() {
    let (scene, port) = scene(false);
    let mut args = vec!["--config", scene.config.to_str().unwrap(), "login", "--hosted", "--no-browser"];
    let port_text = port.to_string();
    args.extend(["--port", &port_text, "--timeout", "1"]);
    let run = common::run(&args, "", &[]);
    let message = run.fails(1);
    assert!(
        message.ends_with(
            "whoami-admin: no answer from the browser within 1 s; run the command again to start a new sign-in\n"
        ),
        "{message}"
    );
}

#[test]
fn a_busy_port_and_a_missing_page_are_sentences() {
    let (scene, port) = scene(false);
    let busy = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let message =
        scene.run(&["login", "--hosted", "--no-browser", "--port", &port.to_string()], "").fails(1).to_owned();
    assert!(message.contains(&format!("port {port} on 127.0.0.1 is in use")), "{message}");
    drop(busy);

    let plain = Scene::new(PoolOptions::default());
    let message = plain.run(&["login", "--hosted"], "").fails(2).to_owned();
    assert!(message.contains("the config file has no `hosted_ui_domain`"), "{message}");
    // --hosted and a password do not mix; one of --username and --hosted is needed.
    plain.run(&["login", "--hosted", "--username", EMAIL], "").fails(2);
    plain.run(&["login"], "").fails(2);
    plain.run(&["login", "--username", EMAIL, "--no-browser"], "").fails(2);
}
