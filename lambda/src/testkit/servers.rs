//! Small loopback servers for tests and benchmarks: the Lambda Runtime API that the real
//! binary polls, and a JWKS endpoint that counts its fetches.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Mutex, RwLock, mpsc};

/// What the function sent back for one invocation.
#[derive(Debug, Clone)]
pub struct Reply {
    pub request_id: String,
    /// `response` or `error`.
    pub kind: &'static str,
    pub body: String,
}

/// The Lambda Runtime API, as far as a function uses it: `next`, `response`, `error` and
/// `init/error`. Events are queued by the test; `next` waits until one is there.
#[derive(Debug)]
pub struct RuntimeApi {
    pub addr: SocketAddr,
    events: mpsc::UnboundedSender<(String, String)>,
    replies: Mutex<mpsc::UnboundedReceiver<Reply>>,
    polls: Mutex<mpsc::UnboundedReceiver<Instant>>,
    init_errors: Mutex<mpsc::UnboundedReceiver<(HeaderMap, String)>>,
    next_id: AtomicUsize,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Debug)]
struct RuntimeState {
    events: Mutex<mpsc::UnboundedReceiver<(String, String)>>,
    replies: mpsc::UnboundedSender<Reply>,
    polls: mpsc::UnboundedSender<Instant>,
    init_errors: mpsc::UnboundedSender<(HeaderMap, String)>,
}

impl RuntimeApi {
    /// Starts the API on a free loopback port.
    pub async fn start() -> Self {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (replies_tx, replies_rx) = mpsc::unbounded_channel();
        let (polls_tx, polls_rx) = mpsc::unbounded_channel();
        let (init_tx, init_rx) = mpsc::unbounded_channel();
        let state = Arc::new(RuntimeState {
            events: Mutex::new(events_rx),
            replies: replies_tx,
            polls: polls_tx,
            init_errors: init_tx,
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next_event))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(invocation_response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(invocation_error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(state);
        let (addr, server) = serve(app).await;
        Self {
            addr,
            events: events_tx,
            replies: Mutex::new(replies_rx),
            polls: Mutex::new(polls_rx),
            init_errors: Mutex::new(init_rx),
            next_id: AtomicUsize::new(1),
            server,
        }
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API`.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// Queues an event and returns its request id.
    pub fn invoke(&self, event: impl Into<String>) -> String {
        let id = format!("req-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        self.events.send((id.clone(), event.into())).expect("the server outlives the test");
        id
    }

    /// The next reply the function posted, if one arrives within `timeout`.
    pub async fn reply(&self, timeout: Duration) -> Option<Reply> {
        tokio::time::timeout(timeout, self.replies.lock().await.recv()).await.ok().flatten()
    }

    /// When the function next asked for an event, if it does within `timeout`.
    pub async fn poll(&self, timeout: Duration) -> Option<Instant> {
        tokio::time::timeout(timeout, self.polls.lock().await.recv()).await.ok().flatten()
    }

    /// The next init error the function reported (headers and body), within `timeout`.
    pub async fn init_error(&self, timeout: Duration) -> Option<(HeaderMap, String)> {
        tokio::time::timeout(timeout, self.init_errors.lock().await.recv()).await.ok().flatten()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next_event(State(state): State<Arc<RuntimeState>>) -> Response {
    let _ = state.polls.send(Instant::now());
    let Some((id, body)) = state.events.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let deadline = std::time::SystemTime::now() + Duration::from_secs(30);
    let deadline_ms = deadline.duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_millis();
    (
        [
            ("content-type", "application/json".to_owned()),
            ("lambda-runtime-aws-request-id", id),
            ("lambda-runtime-deadline-ms", deadline_ms.to_string()),
            ("lambda-runtime-invoked-function-arn", "arn:aws:lambda:eu-west-1:123456789012:function:whoami".to_owned()),
            ("lambda-runtime-trace-id", "Root=1-65ad2c10-0f1e2d3c4b5a69788796a5b4;Sampled=0".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn invocation_response(
    State(state): State<Arc<RuntimeState>>,
    Path(id): Path<String>,
    body: String,
) -> StatusCode {
    let _ = state.replies.send(Reply { request_id: id, kind: "response", body });
    StatusCode::ACCEPTED
}

async fn invocation_error(State(state): State<Arc<RuntimeState>>, Path(id): Path<String>, body: String) -> StatusCode {
    let _ = state.replies.send(Reply { request_id: id, kind: "error", body });
    StatusCode::ACCEPTED
}

async fn init_error(State(state): State<Arc<RuntimeState>>, headers: HeaderMap, body: String) -> StatusCode {
    let _ = state.init_errors.send((headers, body));
    StatusCode::ACCEPTED
}

/// A JWKS endpoint whose document the test can change, counting how often it is fetched.
/// With no document set it answers 503, like an endpoint that is down.
#[derive(Debug)]
pub struct JwksServer {
    pub addr: SocketAddr,
    state: Arc<JwksState>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Default)]
struct JwksState {
    document: RwLock<Option<String>>,
    fetches: AtomicUsize,
}

impl JwksServer {
    pub async fn start(document: Option<String>) -> Self {
        let state = Arc::new(JwksState { document: RwLock::new(document), fetches: AtomicUsize::new(0) });
        let app = Router::new().route("/jwks.json", get(jwks)).with_state(state.clone());
        let (addr, server) = serve(app).await;
        Self { addr, state, server }
    }

    pub fn url(&self) -> String {
        format!("http://{}/jwks.json", self.addr)
    }

    pub async fn set_document(&self, document: Option<String>) {
        *self.state.document.write().await = document;
    }

    pub fn fetches(&self) -> usize {
        self.state.fetches.load(Ordering::SeqCst)
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn jwks(State(state): State<Arc<JwksState>>) -> Response {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    match state.document.read().await.clone() {
        Some(document) => ([("content-type", "application/json")], document).into_response(),
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn serve(app: Router) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding a loopback port");
    let addr = listener.local_addr().expect("a bound listener has an address");
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the test server runs until aborted");
    });
    (addr, server)
}
