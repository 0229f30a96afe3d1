//! `roles-anywhere-emulator`. Being written (issue 3).
fn main() {}
