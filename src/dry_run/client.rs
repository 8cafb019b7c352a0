//! The request path to the API server: the only place that builds HTTP requests, and the proof
//! that none of them can write.
//!
//! A request is either a `Read` (always `GET`) or a `DryRun` (a server-side-apply `PATCH` or a
//! create `POST`). A `DryRun` can only be built by `DryRun::apply` and `DryRun::create`, which
//! always append `dryRun=All`; no other code can produce a mutating method. Requests go through
//! kube's raw `Client::send`, so `Warning` response headers are kept (the typed API drops them).
//! This module knows nothing about manifests or findings.

use std::time::Duration;

use kube::client::Body;
use tokio::time::Instant;

/// The field manager every dry-run names.
pub const FIELD_MANAGER: &str = "gitops-lint";

/// The query every mutating request carries; `dryRun=All` makes the server discard the write.
/// Keys sorted, as client-go writes them.
const APPLY_QUERY: &str = "dryRun=All&fieldManager=gitops-lint&fieldValidation=Strict&force=true";
/// `force` is only valid for apply patches; a create takes the rest.
const CREATE_QUERY: &str = "dryRun=All&fieldManager=gitops-lint&fieldValidation=Strict";

/// Retries after the first attempt, for 429, retryable 5xx, timeouts and connection errors.
const RETRIES: u32 = 4;
const BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// A read: a `GET` of a discovery document or `/version`.
#[derive(Clone, Debug)]
pub struct Read {
    path: String,
    accept: &'static str,
}

impl Read {
    pub fn get(path: impl Into<String>, accept: &'static str) -> Read {
        Read {
            path: path.into(),
            accept,
        }
    }
}

/// A mutating request that cannot write: the fields are private and both constructors append
/// `dryRun=All`.
#[derive(Clone, Debug)]
pub struct DryRun {
    method: http::Method,
    uri: String,
    content_type: &'static str,
    body: Vec<u8>,
}

impl DryRun {
    /// A server-side apply of `body` (JSON, which is YAML) to the object at `object_path`
    /// (`/apis/apps/v1/namespaces/shop/deployments/web`).
    pub fn apply(object_path: &str, body: Vec<u8>) -> DryRun {
        DryRun {
            method: http::Method::PATCH,
            uri: format!("{object_path}?{APPLY_QUERY}"),
            content_type: "application/apply-patch+yaml",
            body,
        }
    }

    /// A create of `body` in the collection at `collection_path`, for objects that only have a
    /// `generateName` (apply needs a name).
    pub fn create(collection_path: &str, body: Vec<u8>) -> DryRun {
        DryRun {
            method: http::Method::POST,
            uri: format!("{collection_path}?{CREATE_QUERY}"),
            content_type: "application/json",
            body,
        }
    }
}

/// Either kind of request.
#[derive(Clone, Debug)]
pub enum Request {
    Read(Read),
    DryRun(DryRun),
}

impl Request {
    fn to_http(&self) -> Result<http::Request<Body>, http::Error> {
        match self {
            Request::Read(read) => http::Request::get(read.path.as_str())
                .header(http::header::ACCEPT, read.accept)
                .body(Body::from(Vec::new())),
            Request::DryRun(dry) => {
                debug_assert!(dry.uri.contains("?dryRun=All&"));
                http::Request::builder()
                    .method(dry.method.clone())
                    .uri(dry.uri.as_str())
                    .header(http::header::ACCEPT, "application/json")
                    .header(http::header::CONTENT_TYPE, dry.content_type)
                    .body(Body::from(dry.body.clone()))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Request::Read(read) => format!("GET {}", read.path),
            Request::DryRun(dry) => format!("{} {}", dry.method, dry.uri),
        }
    }
}

/// An HTTP answer: status, `Warning` texts, content type and body.
#[derive(Debug)]
pub struct Answer {
    pub code: u16,
    pub warnings: Vec<String>,
    pub content_type: String,
    pub body: Vec<u8>,
    retry_after: Option<Duration>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).trim().to_string()
    }

    /// The `metav1.Status` of an error answer, when the body is one.
    pub fn status(&self) -> Option<super::status::Status> {
        let status: super::status::Status = serde_json::from_slice(&self.body).ok()?;
        (status.kind.as_deref() == Some("Status")).then_some(status)
    }

    /// Whether to try again: throttling, unavailability, and 500s that are not the server's
    /// verdict on the manifest (typed-conversion failures are deterministic).
    fn retryable(&self) -> bool {
        match self.code {
            429 | 502 | 503 | 504 => true,
            500 => self.status().is_some_and(|s| {
                matches!(
                    s.reason.as_deref(),
                    Some("InternalError" | "ServerTimeout" | "StorageReadError")
                ) && !s.message.contains("failed calling webhook")
            }),
            _ => false,
        }
    }

    /// `Retry-After` (seconds), else the Status's `retryAfterSeconds`.
    fn wait_hint(&self) -> Option<Duration> {
        self.retry_after.or_else(|| {
            self.status()
                .and_then(|s| s.details)
                .and_then(|d| d.retry_after_seconds)
                .map(|s| Duration::from_secs(u64::from(s)))
        })
    }
}

/// Why a request got no answer the stage can use.
#[derive(Debug)]
pub enum Failure {
    /// No connection, TLS or transport failure, or every attempt timed out.
    Unreachable(String),
    /// The whole-run deadline passed.
    Deadline,
    /// Still throttled or unavailable after every retry: the last answer.
    Exhausted(Answer),
}

/// A cluster connection with the run's limits.
#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    pub timeout: Duration,
    pub deadline: Instant,
}

impl Connection {
    /// Sends a request, retrying throttling, unavailability and timeouts with exponential
    /// backoff, honouring `Retry-After`, within the per-request timeout and the run's deadline.
    pub async fn send(&self, request: &Request) -> Result<Answer, Failure> {
        let mut attempt = 0;
        loop {
            let remaining = self
                .deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or(Failure::Deadline)?;
            let outcome = tokio::time::timeout(self.timeout.min(remaining), self.once(request))
                .await
                .unwrap_or_else(|_| {
                    Err(format!(
                        "no answer within {} s (--dry-run-timeout)",
                        self.timeout.as_secs()
                    ))
                });
            let wait = match outcome {
                Ok(answer) if answer.retryable() && attempt < RETRIES => {
                    answer.wait_hint().unwrap_or_else(|| backoff(attempt))
                }
                Ok(answer) if answer.retryable() => return Err(Failure::Exhausted(answer)),
                Ok(answer) => return Ok(answer),
                Err(_) if attempt < RETRIES => backoff(attempt),
                Err(message) => return Err(Failure::Unreachable(message)),
            };
            if Instant::now() + wait >= self.deadline {
                return Err(Failure::Deadline);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn once(&self, request: &Request) -> Result<Answer, String> {
        let http = request
            .to_http()
            .map_err(|e| format!("cannot build {}: {e}", request.describe()))?;
        let response = self
            .client
            .send(http)
            .await
            .map_err(|e| describe_error(&e))?;
        let code = response.status().as_u16();
        let headers = response.headers();
        let warnings = headers
            .get_all("warning")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(warning_text)
            .collect();
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .into_body()
            .collect_bytes()
            .await
            .map_err(|e| describe_error(&e))?
            .to_vec();
        Ok(Answer {
            code,
            warnings,
            content_type,
            body,
            retry_after,
        })
    }
}

fn backoff(attempt: u32) -> Duration {
    BACKOFF
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(MAX_BACKOFF)
}

/// The innermost cause of a client error: "Connection refused" says more than "client error".
fn describe_error(error: &kube::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = cause.source();
    }
    text
}

/// The text of a `Warning` header: `299 - "text"` → `text` (RFC 7234 warn-text, quoted).
pub fn warning_text(header: &str) -> String {
    let mut parts = header.splitn(3, ' ');
    let (_code, _agent, rest) = (parts.next(), parts.next(), parts.next().unwrap_or(header));
    let rest = rest.trim();
    let Some(inner) = rest.strip_prefix('"') else {
        return rest.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '"' => break,
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mutating_request_is_a_dry_run() {
        let apply = DryRun::apply("/api/v1/namespaces/a/configmaps/b", b"{}".to_vec());
        assert_eq!(apply.method, http::Method::PATCH);
        assert!(
            apply.uri.ends_with(
                "?dryRun=All&fieldManager=gitops-lint&fieldValidation=Strict&force=true"
            )
        );
        let create = DryRun::create("/api/v1/namespaces/a/configmaps", b"{}".to_vec());
        assert_eq!(create.method, http::Method::POST);
        assert!(create.uri.contains("?dryRun=All&"));
        let read = Request::Read(Read::get("/version", "application/json"));
        assert_eq!(read.to_http().unwrap().method(), http::Method::GET);
    }

    #[test]
    fn warning_headers_are_unquoted() {
        assert_eq!(
            warning_text(r#"299 - "unknown field \"spec.foo\"""#),
            r#"unknown field "spec.foo""#
        );
        assert_eq!(warning_text("299 - plain"), "plain");
    }
}
