//! `roles-anywhere` CLI. Being written (issue 5).
fn main() {}
