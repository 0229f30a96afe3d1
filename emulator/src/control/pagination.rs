//! `ListRequest` pagination (botocore model: `nextToken` 1..=10000 characters, `pageSize`
//! an integer, both in the query string; `paginators-1.json`: `nextToken` in and out).
//!
//! The token is opaque to clients: base64url of `v1:<creation time>|<resource id>` naming
//! the first item of the next page. Resting on an id rather than an offset keeps a page boundary stable when
//! earlier items are deleted between calls; when the named item itself is gone, listing
//! resumes at the first item created after it (ids are kept in creation order).

use base64ct::{Base64UrlUnpadded, Encoding};

use super::errors::{ApiResult, validation};
use super::validate::length;

/// Items per page when `pageSize` is absent.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The largest `pageSize` accepted.
pub const MAX_PAGE_SIZE: usize = 100;

/// A decoded `ListRequest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Resume at the item with this id (from `nextToken`).
    pub start_id: Option<String>,
    /// The creation time of that item.
    pub start_created: Option<String>,
    /// Items per page.
    pub size: usize,
}

/// Read `nextToken` and `pageSize` from the query pairs.
pub fn parse(query: &[(String, String)]) -> ApiResult<Page> {
    let mut page = Page {
        start_id: None,
        start_created: None,
        size: DEFAULT_PAGE_SIZE,
    };
    for (name, value) in query {
        match name.as_str() {
            "nextToken" => {
                length("nextToken", value, 1, 10_000)?;
                let (created, id) = decode_token(value)?;
                page.start_id = Some(id);
                page.start_created = Some(created);
            }
            "pageSize" => {
                let n: i64 = value.parse().map_err(|_| {
                    validation(format!("pageSize must be an integer, got {value:?}"))
                })?;
                page.size = usize::try_from(n)
                    .ok()
                    .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                    .ok_or_else(|| {
                        validation(format!(
                            "pageSize must be between 1 and {MAX_PAGE_SIZE}, got {n}"
                        ))
                    })?;
            }
            _ => {}
        }
    }
    Ok(page)
}

fn encode_token(created: &str, id: &str) -> String {
    Base64UrlUnpadded::encode_string(format!("v1:{created}|{id}").as_bytes())
}

fn decode_token(token: &str) -> ApiResult<(String, String)> {
    let bad = || validation("Invalid nextToken.");
    let bytes = Base64UrlUnpadded::decode_vec(token).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (created, id) = text
        .strip_prefix("v1:")
        .and_then(|t| t.split_once('|'))
        .ok_or_else(bad)?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok((created.to_owned(), id.to_owned()))
}

/// One page of `items` (in creation order, each with its id and creation time) and the
/// token of the next page, if any.
pub fn paginate<T: Clone>(
    items: &[T],
    id_of: impl Fn(&T) -> &str,
    created_of: impl Fn(&T) -> &str,
    page: &Page,
) -> (Vec<T>, Option<String>) {
    let start_created = page.start_created.as_deref();
    let start = match &page.start_id {
        None => 0,
        Some(id) => match items.iter().position(|x| id_of(x) == id) {
            Some(i) => i,
            // The item the token names is gone: resume after everything created before it.
            None => items
                .iter()
                .position(|x| start_created.is_some_and(|c| created_of(x) >= c))
                .unwrap_or(items.len()),
        },
    };
    let end = start.saturating_add(page.size).min(items.len());
    let slice = items.get(start..end).unwrap_or_default().to_vec();
    let next = items
        .get(end)
        .map(|x| encode_token(created_of(x), id_of(x)));
    (slice, next)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn pages_through_everything_once() {
        let items: Vec<(String, String)> = (0..7)
            .map(|i| (format!("id{i}"), format!("2020-01-0{i}")))
            .collect();
        let mut page = parse(&q(&[("pageSize", "3")])).unwrap();
        let mut seen = Vec::new();
        loop {
            let (got, next) = paginate(&items, |x| &x.0, |x| &x.1, &page);
            seen.extend(got.into_iter().map(|x| x.0));
            match next {
                Some(t) => page = parse(&q(&[("pageSize", "3"), ("nextToken", &t)])).unwrap(),
                None => break,
            }
        }
        assert_eq!(seen, items.iter().map(|x| x.0.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse(&q(&[("pageSize", "0")])).is_err());
        assert!(parse(&q(&[("pageSize", "x")])).is_err());
        assert!(parse(&q(&[("pageSize", "101")])).is_err());
        assert!(parse(&q(&[("nextToken", "!!")])).is_err());
        assert!(
            parse(&q(&[(
                "nextToken",
                &Base64UrlUnpadded::encode_string(b"v2:x|y")
            )]))
            .is_err()
        );
        assert_eq!(parse(&q(&[])).unwrap().size, DEFAULT_PAGE_SIZE);
    }
}
