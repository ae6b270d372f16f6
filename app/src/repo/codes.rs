//! Typed codes in the database: statuses, formats, roles and the like are stored as their stable
//! text code and decoded straight into their enum. A code the program does not know is a decode
//! error (logged by `AppError::from(sqlx::Error)`), never a silent default.

/// Implements sqlx's `Type`, `Decode` and `Encode` for enums stored as text, on both backends.
/// `$decode` turns a stored code into the enum (`None` for an unknown code).
macro_rules! text_code {
    ($($ty:ty => $decode:expr),+ $(,)?) => {$(
        impl<DB: sqlx::Database> sqlx::Type<DB> for $ty
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $ty
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                let decode: fn(&str) -> Option<$ty> = $decode;
                decode(code).ok_or_else(|| format!("unknown {} code in the database: {code:?}", stringify!($ty)).into())
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $ty
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let code: &'q str = self.code();
                <&'q str as sqlx::Encode<'q, DB>>::encode_by_ref(&code, buf)
            }
        }
    )+};
}

use crate::domain::contracts::ContractStatus;
use crate::domain::missions::{ApplicationStatus, Format, GroupKind, ManagementMode, MissionEvent, MissionStatus, ProposalStatus};
use crate::domain::profile::DocumentKind;
use crate::domain::testing::{QuestionKind, TestKind};
use crate::domain::{Cefr, CompetenceLevel, LearnerLevel, LegalStatus, NativeRequirement, ProfileStatus};
use crate::domain::forms::profile::{DiplomaKind, ReviewSection};
use crate::profile::PartCheck;
use crate::repo::audit::AuditAction;
use crate::session::Role;
use crate::staff::{EmailStatus, EmailTransport};

text_code! {
    Role => Role::from_code,
    ContractStatus => ContractStatus::from_code,
    MissionStatus => MissionStatus::from_code,
    Format => Format::from_code,
    GroupKind => GroupKind::from_code,
    ApplicationStatus => ApplicationStatus::from_code,
    ProposalStatus => ProposalStatus::from_code,
    MissionEvent => MissionEvent::from_code,
    ManagementMode => ManagementMode::from_code,
    ProfileStatus => ProfileStatus::from_code,
    DocumentKind => DocumentKind::from_code,
    TestKind => TestKind::from_code,
    QuestionKind => QuestionKind::from_code,
    EmailStatus => EmailStatus::from_code,
    EmailTransport => EmailTransport::from_code,
    Cefr => |c| Cefr::parse(c).ok(),
    CompetenceLevel => |c| CompetenceLevel::parse(c).ok(),
    LearnerLevel => |c| LearnerLevel::parse(c).ok(),
    NativeRequirement => |c| NativeRequirement::parse(c).ok(),
    LegalStatus => |c| LegalStatus::parse(c).ok(),
    PartCheck => PartCheck::from_code,
    ReviewSection => ReviewSection::from_code,
    DiplomaKind => DiplomaKind::from_code,
    AuditAction => AuditAction::from_code,
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Row};

    use super::*;

    #[tokio::test]
    async fn codes_round_trip_and_unknown_codes_fail_to_decode() {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await.unwrap();
        let status: MissionStatus =
            sqlx::query_scalar("SELECT $1").bind(MissionStatus::Published).fetch_one(&mut conn).await.unwrap();
        assert_eq!(status, MissionStatus::Published);
        let stored: String = sqlx::query_scalar("SELECT $1").bind(Cefr::C1).fetch_one(&mut conn).await.unwrap();
        assert_eq!(stored, "C1");
        let row = sqlx::query("SELECT 'archivee' AS status").fetch_one(&mut conn).await.unwrap();
        let unknown: Result<MissionStatus, _> = row.try_get("status");
        assert!(unknown.is_err(), "an unknown status must not decode to a default");
    }
}
