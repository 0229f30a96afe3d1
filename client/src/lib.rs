//! IAM Roles Anywhere client (std). Being written (issue 5).
