//! Request guards: refuse state-changing requests from foreign origins, add security headers.

use app::infra::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// `scheme://host[:port]` of a URL, lower-cased, or None when it has no host.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Whether a request's `Origin` (or, failing that, `Referer`) is the site itself.
///
/// Browsers send `Origin` with every cross-site POST; requests without either header do not
/// come from a browser page and carry no ambient cookies to abuse, so they pass.
pub fn same_origin(site_url: &str, host: Option<&str>, origin: Option<&str>, referer: Option<&str>) -> bool {
    let claimed = match (origin.filter(|o| *o != "null"), referer) {
        (Some(origin), _) => origin_of(origin),
        (None, Some(referer)) => origin_of(referer),
        (None, None) => return origin != Some("null"),
    };
    let Some(claimed) = claimed else { return false };
    let mut allowed = Vec::new();
    allowed.extend(origin_of(site_url));
    if let Some(host) = host {
        allowed.push(format!("http://{}", host.to_ascii_lowercase()));
        allowed.push(format!("https://{}", host.to_ascii_lowercase()));
    }
    allowed.contains(&claimed)
}

pub async fn origin_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = request.headers();
        let get = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        if !same_origin(&state.config.site_url, get(header::HOST), get(header::ORIGIN), get(header::REFERER)) {
            tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-origin request refused");
            return (
                StatusCode::FORBIDDEN,
                "Requête refusée : elle ne provient pas du site Mission Formateur.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    const SITE: &str = "http://127.0.0.1:3000";

    #[test]
    fn same_site_requests_pass() {
        assert!(same_origin(SITE, Some("127.0.0.1:3000"), Some("http://127.0.0.1:3000"), None));
        assert!(same_origin(SITE, Some("localhost:3000"), Some("http://localhost:3000"), None));
        assert!(same_origin(SITE, None, None, Some("http://127.0.0.1:3000/connexion?x=1")));
        // No browser headers at all: a script without cookies to ride.
        assert!(same_origin(SITE, Some("127.0.0.1:3000"), None, None));
    }

    #[test]
    fn foreign_origins_are_refused() {
        assert!(!same_origin(SITE, Some("127.0.0.1:3000"), Some("https://evil.example"), None));
        assert!(!same_origin(SITE, Some("127.0.0.1:3000"), None, Some("https://evil.example/page")));
        assert!(!same_origin(SITE, Some("127.0.0.1:3000"), Some("null"), None));
        assert!(!same_origin(SITE, Some("127.0.0.1:3000"), Some("http://127.0.0.1:3000.evil.example"), None));
    }
}
