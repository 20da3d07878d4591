//! Links between the pages of a list paged in SQL.

use crate::domain::paging::Page;
use crate::web::i18n;

pub struct Pager {
    pub page: usize,
    pub last: usize,
    /// The list's address with its filters, ready for `page=` to be appended.
    base: String,
}

impl Pager {
    /// `base` is the list's address with its query string, without `page`.
    pub fn of<T>(found: &Page<T>, base: &str) -> Self {
        let joint = if base.contains('?') { '&' } else { '?' };
        Self { page: found.page, last: found.total.div_ceil(found.per_page).max(1), base: format!("{base}{joint}") }
    }

    pub fn at(&self, n: &usize) -> String {
        format!("{}page={n}", self.base)
    }

    pub fn previous(&self) -> Option<usize> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<usize> {
        (self.page < self.last).then(|| self.page + 1)
    }

    pub fn position(&self) -> String {
        i18n::tr("agents-page", &[("page", self.page.to_string()), ("pages", self.last.to_string())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::paging::PageAsk;

    #[test]
    fn the_pager_links_the_neighbouring_pages_with_the_filters_kept() {
        let ask = PageAsk::new(Some(2), Some(10)).unwrap();
        let found = ask.answer(vec![0; 10], 25);
        let pager = Pager::of(&found, "/agents?q=a");
        assert_eq!((pager.previous(), pager.next(), pager.last), (Some(1), Some(3), 3));
        assert_eq!(pager.at(&3), "/agents?q=a&page=3");
        assert_eq!(Pager::of(&found, "/mobilite").at(&1), "/mobilite?page=1");
        let last = PageAsk::new(Some(3), Some(10)).unwrap().answer(vec![0; 5], 25);
        assert_eq!(Pager::of(&last, "/x").next(), None);
    }
}
