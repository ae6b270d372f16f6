//! Demo data, loaded once on the first start of a local installation (`DEMO_DATA=1`).

use app::auth::server::{create_user, hash_password};
use app::auth::Role;
use app::domain::Email;
use app::infra::db::Db;
use app::on_db;

/// Demo accounts: (role, email, password, first name, last name). Printed by `make run` and
/// listed in README.md; never use them outside a local installation.
pub const DEMO_ACCOUNTS: &[(Role, &str, &str, &str, &str)] = &[
    (Role::Staff, "equipe@mission-formateur.test", "Equipe-Demo-2026", "Nadia", "Rousseau"),
    (Role::Trainer, "camille.martin@exemple.test", "Formateur-Demo-2026", "Camille", "Martin"),
    (Role::Trainer, "karim.benali@exemple.test", "Formateur-Demo-2026", "Karim", "Benali"),
    (Role::Trainer, "sophie.leroy@exemple.test", "Formateur-Demo-2026", "Sophie", "Leroy"),
    (Role::Trainer, "james.walker@exemple.test", "Formateur-Demo-2026", "James", "Walker"),
    (Role::Centre, "contact@formapro-lyon.test", "Centre-Demo-2026", "Julien", "Fabre"),
];

const DEMO_FLAG: &str = "demo_loaded";

async fn already_loaded(db: &Db) -> Result<bool, sqlx::Error> {
    let found: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1").bind(DEMO_FLAG).fetch_optional(pool).await
    })?;
    Ok(found.is_some())
}

/// Loads the demo data unless it was loaded before. Returns whether it loaded anything.
pub async fn load_once(db: &Db) -> Result<bool, String> {
    if already_loaded(db).await.map_err(|e| e.to_string())? {
        return Ok(false);
    }
    for (role, email, password, first, last) in DEMO_ACCOUNTS {
        let email = Email::parse(email).map_err(|e| e.to_string())?;
        let hash = hash_password((*password).to_string()).await.map_err(|e| e.to_string())?;
        create_user(db, &email, &hash, first, last, *role, true).await.map_err(|e| e.to_string())?;
    }
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(DEMO_FLAG)
            .bind(chrono::Utc::now().to_rfc3339())
            .execute(pool)
            .await.map(|r| r.rows_affected())
    })
    .map_err(|e| e.to_string())?;
    Ok(true)
}

/// The logins to print for a local user.
pub fn describe_accounts() -> String {
    let mut out = String::from("Comptes de démonstration :\n");
    for (role, email, password, first, last) in DEMO_ACCOUNTS {
        out.push_str(&format!("  {:<28} {:<32} mot de passe : {password}   ({first} {last})\n", role.label(), email));
    }
    out
}
