//! The language a page is in, and the one way every text table is read: the app's own texts
//! and each feature's are a [`Texts`] table with one complete static value per locale.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

pub const LOCALE_COOKIE: &str = "lang";

impl Locale {
    /// This locale's table of `T`: `locale.get().texts::<QMsgs>()`.
    pub fn texts<T: Texts>(self) -> &'static T {
        T::of(self)
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }
    pub fn other(self) -> Self {
        match self {
            Self::Vi => Self::En,
            Self::En => Self::Vi,
        }
    }

    /// Locale of a request: the `lang` cookie, then `Accept-Language`, then Vietnamese.
    /// Server and browser must agree, so the browser reads back what the server rendered.
    pub fn resolve(cookie_header: Option<&str>, accept_language: Option<&str>) -> Self {
        let from_cookie = cookie_header.and_then(|h| {
            h.split(';').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k.trim() == LOCALE_COOKIE).then(|| Self::parse(v)).flatten()
            })
        });
        if let Some(l) = from_cookie {
            return l;
        }
        // Take the first listed language we support, in the client's order of preference.
        let mut best: Option<(f32, Self)> = None;
        for part in accept_language.unwrap_or("").split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = Self::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// The locale signal provided by `App`.
pub fn use_locale() -> RwSignal<Locale> {
    expect_context::<RwSignal<Locale>>()
}

/// A table of texts: one complete static value per locale, so a missing translation does not
/// compile. The app's own texts and every feature's are the same kind of table, read the same
/// way: [`texts`] for the whole table, [`tr`] for one text (each feature names its shortcut:
/// `qt`, `et`, `ct`, `lt`, `ft`).
pub trait Texts: Sync + 'static {
    fn of(locale: Locale) -> &'static Self;
}

/// The current locale's table, read reactively. On the server a page's `<Title>` may be read
/// once the render's owner is gone (seen with many pages rendering at once): then the default
/// locale's table, never a panic that drops the response.
pub fn texts<T: Texts>() -> impl Fn() -> &'static T + Copy + Send + Sync {
    let l = use_locale();
    move || T::of(l.try_get().unwrap_or_default())
}

/// One text of the current locale, read reactively: `tr(|m: &QMsgs| m.book_title)`.
pub fn tr<T: Texts>(f: fn(&'static T) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let table = texts::<T>();
    move || f(table())
}

/// A feature's table: `texts_table!(QMsgs, qt, "queue")` makes `QMsgs` a [`Texts`] of the module's
/// `VI` and `EN` statics, and `qt(|q| q.x)` its shortcut for one text.
macro_rules! texts_table {
    ($ty:ident, $short:ident, $what:literal) => {
        impl $crate::kernel::locale::Texts for $ty {
            fn of(locale: $crate::kernel::locale::Locale) -> &'static Self {
                match locale {
                    $crate::kernel::locale::Locale::Vi => &VI,
                    $crate::kernel::locale::Locale::En => &EN,
                }
            }
        }

        #[doc = concat!("One ", $what, " text of the current locale, read reactively.")]
        pub fn $short(f: fn(&'static $ty) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
            $crate::kernel::locale::tr(f)
        }
    };
}
pub(crate) use texts_table;
