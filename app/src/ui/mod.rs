//! The design system: layout, form fields, error views.

pub mod field;
pub mod layout;
pub mod not_found;
pub mod problem;

/// A same-site path to go to after a step (`/x`, never `//host` or `http://…`: no open redirect).
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_stay_on_this_site_and_survive_a_query_string() {
        assert_eq!(safe_next(Some("/book?procedure=1.001193")), Some("/book?procedure=1.001193"));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil")), None);
    }
}
