//! Unit tests of the trust model, one file per concern.

mod chain;
mod mapping;
mod pki;
mod policy;
mod session;
