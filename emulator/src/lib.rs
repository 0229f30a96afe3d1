//! # roles-anywhere-emulator
//!
//! IAM Roles Anywhere as a local service (SPEC §3): `POST /sessions` (CreateSession) with
//! the service's whole trust model, an STS-compatible `GetCallerIdentity` that checks the
//! minted credentials, and the state the control plane (issue 4) will manage.
//!
//! Embed it in tests with [`spawn`] (async) or [`spawn_blocking`]; both answer a
//! [`RunningEmulator`] whose [`ReadyInfo`] names the endpoint, the ARNs of the default
//! trust anchor, profile and role, and the demo identities on disk. The binary
//! `roles-anywhere-emulator` writes the same [`ReadyInfo`] as JSON (`--ready-file`).
#![forbid(unsafe_code)]

// Links the std lock that the core's lazily built basepoint tables take; an unreferenced
// crate would not be linked.
use critical_section as _;

pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod control;
pub mod metrics;
pub mod pki;
mod ready;
mod run;
pub mod server;
pub mod state;
pub mod trust;

pub use clock::Clock;
pub use ready::{IdentityPaths, ReadyInfo};
pub use run::{EmulatorOptions, RunningEmulator, ThrottleConfig, spawn, spawn_blocking};
