//! The credential check: an STS-compatible `GetCallerIdentity` (query protocol, XML answer)
//! that verifies HMAC SigV4 signatures made with minted session credentials and their
//! session token (the core's `verify_hmac_request`), and answers the assumed-role ARN.
//! Admin keys (`AKIA…`) are accepted too and answer an IAM user ARN.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use roles_anywhere_core::sigv4::hmac::verify_hmac_request;
use roles_anywhere_core::{Authorization, Error as CoreError, HttpRequest};
use zeroize::Zeroizing;

use super::credentials::TokenError;
use super::{AppState, MAX_BODY};
use crate::state::ids;

const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// An STS error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError {
    status: u16,
    code: &'static str,
    message: String,
}

impl StsError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        StsError {
            status,
            code,
            message: message.into(),
        }
    }
    fn invalid_token() -> Self {
        Self::new(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    }
    fn signature() -> Self {
        Self::new(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn xml(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("text/xml"));
    resp
}

impl IntoResponse for StsError {
    fn into_response(self) -> Response {
        let kind = if self.status >= 500 {
            "Receiver"
        } else {
            "Sender"
        };
        let body = format!(
            "<ErrorResponse xmlns=\"{XMLNS}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    \
             <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            self.code,
            xml_escape(&self.message),
            ids::new_id()
        );
        xml(
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::FORBIDDEN),
            body,
        )
    }
}

/// Who signed a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// `Arn`.
    pub arn: String,
    /// `UserId`.
    pub user_id: String,
    /// `Account`.
    pub account: String,
}

/// The axum handler for `GET|POST /`.
pub async fn handle(State(app): State<Arc<AppState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return StsError::new(400, "ValidationError", "request body too large").into_response();
        }
    };
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()) {
        params.insert(k.into_owned(), v.into_owned());
    }
    let is_form = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        for (k, v) in form_urlencoded::parse(&body) {
            params.insert(k.into_owned(), v.into_owned());
        }
    }
    match params.get("Action").map(String::as_str) {
        Some("GetCallerIdentity") => {}
        Some(other) => {
            return StsError::new(
                400,
                "InvalidAction",
                format!("Could not find operation {other} for version 2011-06-15"),
            )
            .into_response();
        }
        None => return StsError::new(400, "MissingAction", "Missing Action").into_response(),
    }
    let uri = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let mut headers = Vec::new();
    for (name, value) in &parts.headers {
        match value.to_str() {
            Ok(v) => headers.push((name.as_str().to_owned(), v.to_owned())),
            Err(_) => {
                return StsError::new(
                    400,
                    "ValidationError",
                    format!("header {name} is not ASCII"),
                )
                .into_response();
            }
        }
    }
    let request = HttpRequest {
        method: parts.method.as_str().to_owned(),
        uri,
        headers,
        body: body.to_vec(),
    };
    match caller_identity(&app, &request) {
        Ok(id) => {
            tracing::info!(arn = %id.arn, "GetCallerIdentity");
            let body = format!(
                "<GetCallerIdentityResponse xmlns=\"{XMLNS}\">\n  <GetCallerIdentityResult>\n    <Arn>{}</Arn>\n    \
                 <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    \
                 <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
                xml_escape(&id.arn),
                xml_escape(&id.user_id),
                xml_escape(&id.account),
                ids::new_id()
            );
            xml(StatusCode::OK, body)
        }
        Err(e) => {
            tracing::info!(code = e.code, "GetCallerIdentity refused");
            e.into_response()
        }
    }
}

/// Verify `request` (HMAC SigV4, service `sts`) and say who made it.
pub fn caller_identity(app: &AppState, request: &HttpRequest) -> Result<CallerIdentity, StsError> {
    let header = request
        .single_header("authorization")
        .ok()
        .flatten()
        .ok_or_else(|| {
            StsError::new(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            )
        })?;
    let authorization = Authorization::parse(header.trim()).map_err(|e| {
        StsError::new(
            400,
            "IncompleteSignature",
            format!("Authorization header is malformed: {e}"),
        )
    })?;
    if authorization.scope().service() != "sts" {
        return Err(StsError::new(
            403,
            "SignatureDoesNotMatch",
            format!(
                "Credential should be scoped to correct service: 'sts', not '{}'",
                authorization.scope().service()
            ),
        ));
    }
    let akid = authorization.credential().to_owned();
    let now = app.clock.now();
    let (account, partition, admin_secret) = {
        let state = app.store.read();
        let admin = state
            .admin_keys
            .iter()
            .find(|k| k.access_key_id == akid)
            .map(|k| Zeroizing::new(k.secret_access_key.clone()));
        (state.account_id.clone(), state.partition.clone(), admin)
    };
    // Session credentials: the token must open, be ours and be unexpired before the
    // signature is worth checking (STS answers ExpiredToken over a good signature).
    let claims = if admin_secret.is_some() {
        None
    } else {
        let token = request
            .single_header("x-amz-security-token")
            .ok()
            .flatten()
            .ok_or_else(StsError::invalid_token)?;
        match app.sealer.open(token.trim(), now.unix()) {
            Ok(c) if c.akid == akid => Some(c),
            Ok(_) | Err(TokenError::Invalid) => return Err(StsError::invalid_token()),
            Err(TokenError::Expired) => {
                return Err(StsError::new(
                    403,
                    "ExpiredToken",
                    "The security token included in the request is expired",
                ));
            }
        }
    };
    let secret_for = |id: &str| -> Option<String> {
        if id != akid {
            return None;
        }
        match &admin_secret {
            Some(s) => Some(s.to_string()),
            None => Some(app.sealer.secret_for(id).to_string()),
        }
    };
    verify_hmac_request(request, secret_for, now.amz_date(), app.max_skew_seconds).map_err(
        |e| match e {
            CoreError::InvalidTime { .. } => StsError::new(
                403,
                "SignatureDoesNotMatch",
                format!("Signature expired: {e}"),
            ),
            CoreError::MalformedAuthorization { .. } | CoreError::InvalidRequest { .. } => {
                StsError::new(400, "IncompleteSignature", e.to_string())
            }
            _ => StsError::signature(),
        },
    )?;
    Ok(match claims {
        Some(c) => CallerIdentity {
            arn: c.assumed_role_arn(),
            user_id: c.assumed_role_id(),
            account: c.account,
        },
        None => CallerIdentity {
            arn: format!("arn:{partition}:iam::{account}:user/roles-anywhere-emulator-admin"),
            user_id: akid,
            account,
        },
    })
}
