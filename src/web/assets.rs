//! The stylesheet and htmx, embedded in the binary: no page loads anything from another host.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

#[derive(rust_embed::Embed)]
#[folder = "static/"]
#[exclude = "*.LICENSE"]
struct Assets;

#[get("/static/{file}")]
pub async fn asset(file: web::Path<String>) -> HttpResponse {
    match Assets::get(&file) {
        Some(content) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, content.metadata.mimetype()))
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(content.data.into_owned()),
        None => HttpResponse::NotFound().finish(),
    }
}
