//! Trainer profiles: identity, background, administrative situation, review decisions.

// --- Used by missions ---

/// Turns the caller's daily email digest of new missions on or off.
pub async fn set_own_email_digest(db: &crate::infra::db::Db, ctx: &crate::guard::Ctx, enabled: bool) -> Result<(), sqlx::Error> {
    crate::on_db!(db, |pool| {
        sqlx::query("UPDATE trainer_profiles SET email_digest = $1 WHERE user_id = $2")
            .bind(enabled)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
