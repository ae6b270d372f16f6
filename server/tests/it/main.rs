//! HTTP integration tests: the real server on a free port, each test on a fresh SQLite file and
//! on a fresh Postgres database. One test binary (faster to link, smaller on disk).

#[macro_use]
mod common;

mod accounts;
mod authorization;
mod loads;
mod competence;
mod contracts;
mod missions;
mod profiles;
mod proposals;
mod ranking;
mod scale_out;
mod ssr;
