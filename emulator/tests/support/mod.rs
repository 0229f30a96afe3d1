//! Test support: a test PKI made at test time (good and deliberately bad certificates, CRLs),
//! emulators started from a TOML config over that PKI, and CreateSession requests signed
//! with every variation the negative suite needs, sent over real HTTP(S).
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use der::{Decode, Encode};
use rcgen::{
    CertificateParams, CertificateRevocationListParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose, RevocationReason, RevokedCertParams, SerialNumber,
};
use roles_anywhere_core::sigv4::{self, HttpRequest, Settings};
use roles_anywhere_core::{Algorithm, PrivateKey, Signer, Timestamp};
use roles_anywhere_emulator::pki::{self, ca_params, leaf_params, name};
use roles_anywhere_emulator::{EmulatorOptions, RunningEmulator, ThrottleConfig};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn now() -> Timestamp {
    roles_anywhere_emulator::Clock::system().now()
}

fn days(n: i64) -> i64 {
    n * 86_400
}

/// A CA: its certificate and key.
pub struct Ca {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: Vec<u8>,
    pub pem: String,
}

impl Ca {
    /// A fresh P-256 key and the parameters of a CA `cn` valid from yesterday for ten years.
    fn key_and_params(cn: &str) -> (KeyPair, CertificateParams) {
        let t = now().unix();
        let key = pki::p256_key().unwrap();
        let params = ca_params(
            name("test", cn),
            Timestamp::from_unix(t - days(1)),
            Timestamp::from_unix(t + days(3650)),
        )
        .unwrap();
        (key, params)
    }

    pub fn root(cn: &str) -> Ca {
        let (key, params) = Ca::key_and_params(cn);
        let cert = params.self_signed(&key).unwrap();
        Ca {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            params,
            key,
        }
    }

    pub fn intermediate(&self, cn: &str) -> Ca {
        let (key, params) = Ca::key_and_params(cn);
        let cert = params.signed_by(&key, &self.issuer()).unwrap();
        Ca {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            params,
            key,
        }
    }

    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }

    /// A CRL revoking `serials` (big-endian magnitudes).
    pub fn crl(&self, serials: &[Vec<u8>]) -> Vec<u8> {
        let t = now().unix();
        let params = CertificateRevocationListParams {
            this_update: pki::offset_date_time(Timestamp::from_unix(t - 3600)).unwrap(),
            next_update: pki::offset_date_time(Timestamp::from_unix(t + days(30))).unwrap(),
            crl_number: SerialNumber::from_slice(&[1]),
            issuing_distribution_point: None,
            revoked_certs: serials
                .iter()
                .map(|s| RevokedCertParams {
                    serial_number: SerialNumber::from_slice(s),
                    revocation_time: pki::offset_date_time(Timestamp::from_unix(t - 60)).unwrap(),
                    reason_code: Some(RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        params.signed_by(&self.issuer()).unwrap().der().to_vec()
    }
}

/// A leaf with its key (as the core parses it).
pub struct Leaf {
    pub der: Vec<u8>,
    pub pem: String,
    pub key_pkcs8: Vec<u8>,
    pub serial: Vec<u8>,
}

impl Leaf {
    pub fn key(&self) -> PrivateKey {
        PrivateKey::from_der(&self.key_pkcs8, None).unwrap()
    }
    pub fn serial_decimal(&self) -> String {
        roles_anywhere_core::Certificate::from_der(&self.der)
            .unwrap()
            .serial_decimal()
    }
}

pub enum KeyKind {
    P256,
    Rsa2048,
}

/// Leaf parameters as the service wants them (valid now), to be varied by a test.
pub fn good_leaf_params(cn: &str) -> CertificateParams {
    let t = now().unix();
    leaf_params(
        name("test", cn),
        &format!("{cn}.test.example"),
        Timestamp::from_unix(t - days(1)),
        Timestamp::from_unix(t + days(365)),
    )
    .unwrap()
}

pub fn issue(issuer: &Ca, params: CertificateParams, kind: KeyKind) -> Leaf {
    let key = match kind {
        KeyKind::P256 => pki::p256_key().unwrap(),
        KeyKind::Rsa2048 => pki::rsa_key(2048).unwrap(),
    };
    let cert = params.signed_by(&key, &issuer.issuer()).unwrap();
    let serial = params.serial_number.as_ref().unwrap().to_bytes();
    Leaf {
        der: cert.der().to_vec(),
        pem: cert.pem(),
        key_pkcs8: key.serialize_der(),
        serial,
    }
}

/// Re-sign a certificate with ecdsa-with-SHA1 (OID 1.2.840.10045.4.1) under `issuer`'s
/// P-256 key: what the service must refuse ("MD5 and SHA1 signing algorithms are
/// rejected"). rcgen cannot sign with SHA-1, so the TBS is re-encoded with `der`.
pub fn resign_sha1(cert_der: &[u8], issuer: &Ca) -> Vec<u8> {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use sha1::Digest;
    let parts: Vec<der::Any> = Vec::from_der(cert_der).unwrap();
    let mut tbs: Vec<der::Any> = Vec::from_der(&parts[0].to_der().unwrap()).unwrap();
    let sha1_alg = spki::AlgorithmIdentifierOwned {
        oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.4.1"),
        parameters: None,
    };
    let alg_any = der::Any::from_der(&sha1_alg.to_der().unwrap()).unwrap();
    tbs[2] = alg_any.clone(); // [0] version, serial, signature, ...
    let tbs_der = tbs.to_der().unwrap();
    use p256::pkcs8::DecodePrivateKey;
    let key = p256::ecdsa::SigningKey::from_pkcs8_der(&issuer.key.serialize_der()).unwrap();
    let digest = sha1::Sha1::digest(&tbs_der);
    let sig: p256::ecdsa::Signature = key.sign_prehash(&digest).unwrap();
    let sig_der = sig.to_der();
    let bits = der::asn1::BitString::from_bytes(sig_der.as_bytes()).unwrap();
    let out = vec![
        der::Any::from_der(&tbs_der).unwrap(),
        alg_any,
        der::Any::from_der(&bits.to_der().unwrap()).unwrap(),
    ];
    out.to_der().unwrap()
}

/// What a test emulator is made of.
pub struct World {
    pub root: Ca,
    pub int: Ca,
    pub dir: tempfile::TempDir,
}

pub struct Arns {
    pub anchor: String,
    pub profile: String,
    pub role: String,
}

pub fn trust_policy(anchor_arn: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "rolesanywhere.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": {"ArnEquals": {"aws:SourceArn": anchor_arn}}
        }]
    })
    .to_string()
}

pub fn anchor_arn(id: &str) -> String {
    format!("arn:aws:rolesanywhere:{REGION}:{ACCOUNT}:trust-anchor/{id}")
}
pub fn profile_arn(id: &str) -> String {
    format!("arn:aws:rolesanywhere:{REGION}:{ACCOUNT}:profile/{id}")
}
pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

impl World {
    pub fn new() -> World {
        let root = Ca::root("Emulator Test Root");
        let int = root.intermediate("Emulator Test Intermediate");
        World {
            root,
            int,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The standard config: anchor `test` (the test root), profile `test` with role `app`
    /// (accepting session names), plus whatever `extra` TOML adds.
    pub fn config(&self, extra: &str) -> PathBuf {
        self.write("root.pem", self.root.pem.as_bytes());
        let policy = trust_policy(&anchor_arn("test"));
        let toml = format!(
            r#"
account_id = "{ACCOUNT}"
region = "{REGION}"

[[trust_anchors]]
name = "test"
id = "test"
certificate_file = "root.pem"

[[roles]]
arn = "{role}"
max_session_duration = 3600
trust_policy = '''{policy}'''

[[profiles]]
name = "test"
id = "test"
role_arns = ["{role}"]
duration_seconds = 3600
accept_role_session_name = true
{extra}
"#,
            role = role_arn("app"),
        );
        self.write("emulator.toml", toml.as_bytes())
    }

    pub fn arns(&self) -> Arns {
        Arns {
            anchor: anchor_arn("test"),
            profile: profile_arn("test"),
            role: role_arn("app"),
        }
    }

    pub async fn spawn(&self, extra_config: &str) -> RunningEmulator {
        self.spawn_with(extra_config, |_| {}).await
    }

    pub async fn spawn_with(
        &self,
        extra_config: &str,
        f: impl FnOnce(&mut EmulatorOptions),
    ) -> RunningEmulator {
        let config = self.config(extra_config);
        let mut opts = EmulatorOptions::new(self.path("data"));
        opts.config = Some(config);
        opts.throttle = Some(ThrottleConfig::OFF);
        f(&mut opts);
        roles_anywhere_emulator::spawn(opts).await.unwrap()
    }
}

/// How to sign a CreateSession request, with the knobs of the negative suite.
pub struct Req<'a> {
    pub leaf: &'a Leaf,
    pub chain: Vec<Vec<u8>>,
    pub arns: (String, String, String),
    pub body: String,
    pub date: Timestamp,
    pub algorithm: Option<Algorithm>,
    pub credential: Option<String>,
    /// The credential scope's region (default: the emulator's).
    pub region: Option<String>,
    pub sign_x509: bool,
    pub arns_in_body: bool,
}

impl<'a> Req<'a> {
    pub fn new(leaf: &'a Leaf, arns: &Arns) -> Self {
        Req {
            leaf,
            chain: Vec::new(),
            arns: (arns.anchor.clone(), arns.profile.clone(), arns.role.clone()),
            body: r#"{"durationSeconds":3600}"#.to_owned(),
            date: now(),
            algorithm: None,
            credential: None,
            region: None,
            sign_x509: true,
            arns_in_body: false,
        }
    }

    /// The signed request, as data.
    pub fn sign(&self, host: &str) -> HttpRequest {
        let enc = |s: &str| s.replace(':', "%3A").replace('/', "%2F");
        let (ta, p, r) = &self.arns;
        let uri = if self.arns_in_body {
            "/sessions".to_owned()
        } else {
            format!(
                "/sessions?profileArn={}&roleArn={}&trustAnchorArn={}",
                enc(p),
                enc(r),
                enc(ta)
            )
        };
        let date = self.date.amz_date();
        let mut req = HttpRequest::new("POST", uri)
            .with_header("Host", host)
            .with_header("Content-Type", "application/json")
            .with_header("X-Amz-Date", date.to_string());
        let x509 = Base64::encode_string(&self.leaf.der);
        if self.sign_x509 {
            req = req.with_header("X-Amz-X509", x509.clone());
        }
        if !self.chain.is_empty() {
            let chain: Vec<String> = self
                .chain
                .iter()
                .map(|c| Base64::encode_string(c))
                .collect();
            req = req.with_header("X-Amz-X509-Chain", chain.join(","));
        }
        req = req.with_body(self.body.clone().into_bytes());
        let key = self.leaf.key();
        let algorithm = self.algorithm.unwrap_or_else(|| key.algorithm());
        let credential = self
            .credential
            .clone()
            .unwrap_or_else(|| self.leaf.serial_decimal());
        let prepared = sigv4::prepare_x509(
            &req,
            algorithm,
            &credential,
            self.region.as_deref().unwrap_or(REGION),
            "rolesanywhere",
            date,
            &Settings::default(),
        )
        .unwrap();
        let signature = key.sign(prepared.string_to_sign.as_bytes()).unwrap();
        let authorization = prepared.finish(&signature).unwrap();
        if !self.sign_x509 {
            req = req.with_header("X-Amz-X509", x509);
        }
        req.with_header("Authorization", authorization.to_string())
    }
}

/// An HTTP client trusting the emulator's server CA.
pub fn client(emu: &RunningEmulator) -> reqwest::Client {
    let mut b = reqwest::Client::builder().use_rustls_tls();
    if let Some(ca) = &emu.info.ca_bundle {
        let pem = std::fs::read(ca).unwrap();
        b = b.add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap());
    }
    b.build().unwrap()
}

pub fn host(emu: &RunningEmulator) -> String {
    emu.local_addr.to_string()
}

/// An answer: status, error type header, parsed JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub error_type: Option<String>,
    pub body: serde_json::Value,
}

pub async fn send(client: &reqwest::Client, emu: &RunningEmulator, req: &HttpRequest) -> Answer {
    let url = format!("{}{}", emu.info.endpoint, req.uri);
    let mut r = client.post(url);
    for (n, v) in &req.headers {
        if n.eq_ignore_ascii_case("host") {
            continue; // reqwest writes Host from the URL: the same host:port.
        }
        r = r.header(n.as_str(), v.as_str());
    }
    answer_of(r.body(req.body.clone()).send().await.unwrap()).await
}

/// The status, `x-amzn-ErrorType` and body (JSON, else the text) of an answer.
pub async fn answer_of(resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    let error_type = resp
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    Answer {
        status,
        error_type,
        body,
    }
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[allow(unused_imports)]
pub use rcgen::{DnType as Dn, IsCa as CaFlag, KeyUsagePurpose as Ku};
#[allow(unused)]
fn _unused(_: DnType, _: IsCa, _: KeyUsagePurpose) {}
