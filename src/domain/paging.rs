//! Pages of a list: the page asked for, checked once, and the page answered.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

/// The page (from 1) and page size asked for; refuses a page size outside 1..=500.
pub fn page_bounds(page: Option<usize>, per_page: Option<usize>) -> Result<(usize, usize), ApiError> {
    let per_page = per_page.unwrap_or(50);
    if !(1..=500).contains(&per_page) {
        return Err(ApiError::invalid("per_page", "must be 1 to 500"));
    }
    Ok((page.unwrap_or(1).max(1), per_page))
}
