//! The design system: layout, form fields, error views.

pub mod field;
pub mod layout;
pub mod live;
pub mod not_found;
pub mod problem;

/// A same-site path to go to after a step (`/x`, never `//host` or `http://…`: no open redirect).
/// Only visible ASCII: browsers drop tabs and newlines from a `Location` (`/\t/evil` becomes
/// `//evil`), and a control character would not even make a valid header.
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.len() <= 2000
            && n.starts_with('/')
            && !n[1..].starts_with(['/', '\\'])
            && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
    })
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
        // Browsers strip tab, CR and LF from URLs: each of these would become `//evil.example`.
        for hidden in ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example"] {
            assert_eq!(safe_next(Some(hidden)), None, "{hidden:?}");
        }
        assert_eq!(safe_next(Some("/\n")), None);
        assert_eq!(safe_next(Some("/\u{0}")), None);
        assert_eq!(safe_next(Some("/x\u{7f}")), None);
    }
}
