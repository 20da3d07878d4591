//! Pages of a list: the page asked for, checked once, and the page answered.
//!
//! Every list that grows with use (agents, users, plans, engagements, sessions, loads,
//! unavailability, the audit trail) is cut in SQL with `LIMIT`/`OFFSET` and counted; the two
//! that are computed rather than stored (the mobility ranking, a plan's per-agent rows) are cut
//! from what was computed. All take the same `page` and `per_page`.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl<T> Page<T> {
    /// The same page of something made from each item.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// The page asked for, checked: a page from 1, 1 to 500 rows (default 50).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAsk {
    page: usize,
    per_page: usize,
}

impl PageAsk {
    pub const DEFAULT_SIZE: usize = 50;
    pub const MAX_SIZE: usize = 500;

    /// Refuses a page size outside 1..=500; a page under 1 is the first.
    pub fn new(page: Option<usize>, per_page: Option<usize>) -> Result<Self, ApiError> {
        let per_page = per_page.unwrap_or(Self::DEFAULT_SIZE);
        if !(1..=Self::MAX_SIZE).contains(&per_page) {
            return Err(ApiError::invalid("per_page", format!("must be 1 to {}", Self::MAX_SIZE)));
        }
        Ok(Self { page: page.unwrap_or(1).max(1), per_page })
    }

    /// How many rows the pages before this one hold: the index of this page's first row.
    pub fn first(self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// How many rows a page holds at most.
    pub fn size(self) -> usize {
        self.per_page
    }

    /// SQL `LIMIT`.
    pub fn limit(self) -> i64 {
        self.per_page as i64
    }

    /// SQL `OFFSET`.
    pub fn offset(self) -> i64 {
        i64::try_from(self.first()).unwrap_or(i64::MAX)
    }

    /// The page of `items`, already cut, out of `total` rows.
    pub fn answer<T>(self, items: Vec<T>, total: i64) -> Page<T> {
        Page { items, total: usize::try_from(total).unwrap_or(0), page: self.page, per_page: self.per_page }
    }

    /// This page of a list computed whole (not stored as rows).
    pub fn cut<T>(self, all: Vec<T>) -> Page<T> {
        let total = all.len();
        let items = all.into_iter().skip(self.first()).take(self.per_page).collect();
        Page { items, total, page: self.page, per_page: self.per_page }
    }
}

/// Declares the query parameters of a paged list: the fields given, then `page` and
/// `per_page`, documented once here, and `ask()` to check them.
#[macro_export]
macro_rules! paged_query {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)? }) => {
        #[derive(serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            /// From 1.
            #[param(minimum = 1, maximum = 2147483647)]
            pub page: Option<usize>,
            /// 1 to 500, default 50.
            #[param(minimum = 1, maximum = 500)]
            pub per_page: Option<usize>,
        }

        impl $name {
            /// The page asked for, checked.
            pub fn ask(&self) -> Result<$crate::domain::paging::PageAsk, $crate::error::ApiError> {
                $crate::domain::paging::PageAsk::new(self.page, self.per_page)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_skips_the_pages_before_it() {
        let ask = PageAsk::new(Some(3), Some(20)).unwrap();
        assert_eq!((ask.limit(), ask.offset()), (20, 40));
        let first = PageAsk::new(None, None).unwrap();
        assert_eq!((first.limit(), first.offset()), (50, 0));
        assert_eq!(PageAsk::new(Some(0), Some(5)).unwrap().offset(), 0, "page 0 is the first");
    }

    #[test]
    fn a_page_size_outside_one_to_five_hundred_is_refused() {
        assert!(PageAsk::new(None, Some(0)).is_err());
        assert!(PageAsk::new(None, Some(501)).is_err());
        assert!(PageAsk::new(None, Some(500)).is_ok());
    }

    #[test]
    fn a_computed_list_is_cut_to_the_page_and_counted_whole() {
        let page = PageAsk::new(Some(2), Some(2)).unwrap().cut(vec![1, 2, 3, 4, 5]);
        assert_eq!((page.items, page.total, page.page, page.per_page), (vec![3, 4], 5, 2, 2));
        let beyond = PageAsk::new(Some(9), Some(2)).unwrap().cut(vec![1, 2, 3]);
        assert!(beyond.items.is_empty());
        assert_eq!(beyond.total, 3);
    }

    #[test]
    fn a_huge_page_does_not_overflow() {
        assert_eq!(PageAsk::new(Some(usize::MAX), Some(500)).unwrap().offset(), i64::MAX);
    }
}
