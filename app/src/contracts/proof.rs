//! The signature log's hash chain: each entry's hash covers its fields and the previous
//! entry's hash, so that editing, removing or reordering an entry breaks every hash after it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of a contract's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a log entry that its hash covers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub contract_id: i64,
    pub seq: i64,
    pub event: String,
    pub party: String,
    pub signer_name: String,
    pub signer_email: String,
    pub identified_by: String,
    pub ip: String,
    pub user_agent: String,
    pub document_sha256: String,
    /// RFC 3339, UTC, to the microsecond.
    pub at: String,
    pub prev_hash: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash of an entry: SHA-256 over its fields, each prefixed by its length so that no two
/// different entries hash the same text.
pub fn entry_hash(e: &Entry) -> String {
    let mut hasher = Sha256::new();
    let seq = e.seq.to_string();
    let contract = e.contract_id.to_string();
    for field in [
        contract.as_str(),
        seq.as_str(),
        &e.event,
        &e.party,
        &e.signer_name,
        &e.signer_email,
        &e.identified_by,
        &e.ip,
        &e.user_agent,
        &e.document_sha256,
        &e.at,
        &e.prev_hash,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Checks a contract's log in order: `Ok(head)` with the last hash, or the sequence number of
/// the first entry that does not match.
pub fn verify_chain(entries: &[(Entry, String)]) -> Result<String, i64> {
    let mut prev = GENESIS.to_string();
    for (index, (entry, stored_hash)) in entries.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        if entry.seq != expected_seq || entry.prev_hash != prev || entry_hash(entry) != *stored_hash {
            return Err(entry.seq.min(expected_seq));
        }
        prev = stored_hash.clone();
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(Entry, String)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let e = Entry {
                    contract_id: 7,
                    seq,
                    event: "signature".into(),
                    party: "formateur".into(),
                    signer_name: "Hugo Lefèvre".into(),
                    signer_email: "hugo@exemple.test".into(),
                    identified_by: "code e-mail".into(),
                    ip: "127.0.0.1".into(),
                    user_agent: "Firefox".into(),
                    document_sha256: "ab".repeat(32),
                    at: format!("2026-12-04T10:00:0{seq}.000000Z"),
                    prev_hash: prev.clone(),
                };
                let h = entry_hash(&e);
                prev = h.clone();
                (e, h)
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_to_its_last_hash() {
        let c = chain(4);
        assert_eq!(verify_chain(&c), Ok(c[3].1.clone()));
        assert_eq!(verify_chain(&[]), Ok(GENESIS.to_string()));
    }

    #[test]
    fn an_edited_removed_or_reordered_entry_is_found() {
        let mut edited = chain(4);
        edited[1].0.ip = "10.0.0.1".into();
        assert_eq!(verify_chain(&edited), Err(2));

        let mut rehashed = chain(4);
        // Even with its own hash recomputed, the next entry no longer follows.
        rehashed[1].0.ip = "10.0.0.1".into();
        rehashed[1].1 = entry_hash(&rehashed[1].0);
        assert_eq!(verify_chain(&rehashed), Err(3));

        let mut removed = chain(4);
        removed.remove(2);
        assert_eq!(verify_chain(&removed), Err(3));

        let mut swapped = chain(4);
        swapped.swap(0, 1);
        assert_eq!(verify_chain(&swapped), Err(1));
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let mut a = chain(1).remove(0).0;
        let mut b = a.clone();
        a.signer_name = "AB".into();
        a.signer_email = "C".into();
        b.signer_name = "A".into();
        b.signer_email = "BC".into();
        assert_ne!(entry_hash(&a), entry_hash(&b));
    }
}
