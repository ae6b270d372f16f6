-- The subcontracting contract: versioned templates, contracts frozen at generation, signatures
-- in an append-only log chained by hashes, one-time codes and single-use signing links.

CREATE TABLE contract_templates (
    version INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

-- A contract keeps what it was drawn from (`content`, JSON) and the exact PDF to sign; both are
-- frozen (triggers below). A change makes a new version of the mission's contract.
CREATE TABLE contracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    mission_id INTEGER NOT NULL REFERENCES missions(id),
    version INTEGER NOT NULL,
    trainer_id INTEGER NOT NULL REFERENCES users(id),
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    template_version INTEGER NOT NULL REFERENCES contract_templates(version),
    content TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    pdf BLOB NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'a_signer' CHECK (status IN ('a_signer', 'signe', 'remplace')),
    trainer_signed_at TEXT,
    centre_signed_at TEXT,
    signed_pdf BLOB,
    signed_sha256 TEXT,
    proof_json TEXT,
    proof_pdf BLOB,
    cdc_sent_on TEXT,
    reminded_at TEXT,
    created_at TEXT NOT NULL,
    signed_at TEXT,
    UNIQUE (mission_id, version)
);
CREATE INDEX contracts_trainer ON contracts(trainer_id);
CREATE INDEX contracts_centre ON contracts(centre_id, status);
CREATE INDEX contracts_pdf_sha ON contracts(pdf_sha256);
CREATE INDEX contracts_signed_sha ON contracts(signed_sha256);
CREATE INDEX contracts_waiting ON contracts(status, created_at);

CREATE TRIGGER contracts_frozen BEFORE UPDATE OF reference, mission_id, version, trainer_id, centre_id,
    template_version, content, total_cents, pdf, pdf_sha256 ON contracts
BEGIN
    SELECT RAISE(ABORT, 'a contract''s content is frozen');
END;
CREATE TRIGGER contracts_signed_frozen BEFORE UPDATE OF signed_pdf, signed_sha256, proof_json, proof_pdf,
    trainer_signed_at, centre_signed_at ON contracts
    WHEN OLD.signed_sha256 IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed contract cannot change');
END;
-- A signed contract is only ever replaced by a newer signed version; a replaced one stays so.
CREATE TRIGGER contracts_status_guard BEFORE UPDATE OF status ON contracts
    WHEN OLD.status = 'remplace' OR (OLD.status = 'signe' AND NEW.status NOT IN ('signe', 'remplace'))
BEGIN
    SELECT RAISE(ABORT, 'a signed or replaced contract keeps its status');
END;
CREATE TRIGGER contracts_no_delete BEFORE DELETE ON contracts
BEGIN
    SELECT RAISE(ABORT, 'contracts are kept');
END;

-- Append-only: each entry holds the hash of the previous entry of the same contract.
CREATE TABLE signature_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    party TEXT NOT NULL,
    signer_name TEXT NOT NULL DEFAULT '',
    signer_email TEXT NOT NULL DEFAULT '',
    identified_by TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    document_sha256 TEXT NOT NULL,
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    UNIQUE (contract_id, seq)
);
CREATE TRIGGER signature_log_no_update BEFORE UPDATE ON signature_log
BEGIN
    SELECT RAISE(ABORT, 'the signature log is append-only');
END;
CREATE TRIGGER signature_log_no_delete BEFORE DELETE ON signature_log
BEGIN
    SELECT RAISE(ABORT, 'the signature log is append-only');
END;

-- One-time codes sent by email before signing (hashed; a few attempts; short-lived).
CREATE TABLE signing_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    party TEXT NOT NULL,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX signing_codes_contract ON signing_codes(contract_id, party, created_at);

-- Links emailed to a centre's contact: sign once before `expires_at`, read until `readable_until`.
CREATE TABLE signing_links (
    token_hash TEXT PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    readable_until TEXT NOT NULL,
    used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX signing_links_contract ON signing_links(contract_id);
