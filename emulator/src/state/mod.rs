//! The emulator's state: resources shaped after the botocore `rolesanywhere` model and
//! their atomic persistence.

pub mod control;
pub mod ids;
mod model;
mod store;

pub use model::{
    AccessKey, CredentialSummary, Crl, NotificationSetting, Profile, Role, Source, SourceData,
    State, Subject, TrustAnchor,
};
pub use store::{Store, write_atomically};
