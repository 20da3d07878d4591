//! Integration tests over HTTP: each test spawns the real app on port 0 with its own database
//! (a temporary SQLite file, or a fresh PostgreSQL database when `GPEC_TEST_DATABASE_URL` is set).

mod accounts;
mod actuals;
mod agent_imports;
mod agents;
mod audit;
mod auth;
mod browser;
mod browser_campus;
mod campus;
mod campus_consent;
mod chromium;
mod cli;
mod concurrency;
mod conformance;
mod csv;
mod demo;
mod directory;
mod edge_input;
mod errors;
mod excel_csv;
mod helpers;
mod http_conventions;
mod migrations;
mod openapi;
mod organisations;
mod plan_jobs;
mod plan_queue;
mod planning;
mod referential;
mod startup;
mod versions;
mod web;
mod web_campus;
mod web_hr;
mod web_production;
