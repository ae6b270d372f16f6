//! Trainers' uploaded documents: records of the files kept under DATA_DIR/uploads.

use chrono::{DateTime, Utc};

use crate::domain::profile::DocumentKind;
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::on_db;

/// A document as its owner's list shows it.
#[derive(sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: DocumentKind,
    pub original_name: String,
    pub size_bytes: i64,
    pub uploaded_at: DateTime<Utc>,
}

/// The documents of a trainer, newest first (the trainer's own, or any for staff).
pub async fn list_for(db: &Db, user_id: i64) -> Result<Vec<DocumentRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, original_name, size_bytes, uploaded_at FROM documents WHERE user_id = $1 ORDER BY uploaded_at DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })
}

/// A document with where its file is stored.
#[derive(sqlx::FromRow)]
pub struct StoredDocument {
    pub id: i64,
    pub user_id: i64,
    pub kind: DocumentKind,
    pub stored_name: String,
    pub original_name: String,
    pub content_type: String,
}

const STORED_COLUMNS: &str = "id, user_id, kind, stored_name, original_name, content_type";

/// Any document by id; the caller checks who may open it (its owner, or staff).
pub async fn find(db: &Db, id: i64) -> Result<Option<StoredDocument>, sqlx::Error> {
    let sql = format!("SELECT {STORED_COLUMNS} FROM documents WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

/// One of the caller's own documents; another trainer's is not found.
pub async fn find_own(db: &Db, ctx: &Ctx, id: i64) -> Result<Option<StoredDocument>, sqlx::Error> {
    Ok(find(db, id).await?.filter(|d| d.user_id == ctx.user_id))
}

/// Every document of the caller, oldest first (for the data export).
pub async fn stored_own(db: &Db, ctx: &Ctx) -> Result<Vec<StoredDocument>, sqlx::Error> {
    let sql = format!("SELECT {STORED_COLUMNS} FROM documents WHERE user_id = $1 ORDER BY id");
    on_db!(db, |pool| sqlx::query_as(&sql).bind(ctx.user_id).fetch_all(pool).await)
}

/// The stored file names of the caller's documents (to delete the files on erasure).
pub async fn stored_names_own(db: &Db, ctx: &Ctx) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT stored_name FROM documents WHERE user_id = $1").bind(ctx.user_id).fetch_all(pool).await
    })
}

/// A file just stored, to record.
pub struct NewDocument<'a> {
    pub kind: DocumentKind,
    pub stored_name: &'a str,
    pub original_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub uploaded_at: DateTime<Utc>,
}

/// Records one of the caller's documents; returns its id.
pub async fn insert_own(db: &Db, ctx: &Ctx, doc: &NewDocument<'_>) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO documents (user_id, kind, stored_name, original_name, content_type, size_bytes, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ctx.user_id)
        .bind(doc.kind)
        .bind(doc.stored_name)
        .bind(doc.original_name)
        .bind(doc.content_type)
        .bind(doc.size_bytes)
        .bind(doc.uploaded_at)
        .fetch_one(pool)
        .await
    })
}

/// Deletes one of the caller's documents; returns the rows deleted.
pub async fn delete_own(db: &Db, ctx: &Ctx, id: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM documents WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}
