-- The subcontracting contract: versioned templates, contracts frozen at generation, signatures
-- in an append-only log chained by hashes, one-time codes and single-use signing links.

CREATE TABLE contract_templates (
    version BIGINT PRIMARY KEY,
    body TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- A contract keeps what it was drawn from (`content`, JSON) and the exact PDF to sign; both are
-- frozen (triggers below). A change makes a new version of the mission's contract.
CREATE TABLE contracts (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    mission_id BIGINT NOT NULL REFERENCES missions(id),
    version BIGINT NOT NULL,
    trainer_id BIGINT NOT NULL REFERENCES users(id),
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    template_version BIGINT NOT NULL REFERENCES contract_templates(version),
    content TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    pdf BYTEA NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'a_signer' CHECK (status IN ('a_signer', 'signe', 'remplace')),
    trainer_signed_at TIMESTAMPTZ,
    centre_signed_at TIMESTAMPTZ,
    signed_pdf BYTEA,
    signed_sha256 TEXT,
    proof_json TEXT,
    proof_pdf BYTEA,
    cdc_sent_on DATE,
    reminded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    signed_at TIMESTAMPTZ,
    UNIQUE (mission_id, version)
);
CREATE INDEX contracts_trainer ON contracts(trainer_id);
CREATE INDEX contracts_centre ON contracts(centre_id, status);
CREATE INDEX contracts_pdf_sha ON contracts(pdf_sha256);
CREATE INDEX contracts_signed_sha ON contracts(signed_sha256);
CREATE INDEX contracts_waiting ON contracts(status, created_at);

CREATE FUNCTION contracts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'contracts are kept';
    END IF;
    IF NEW.reference IS DISTINCT FROM OLD.reference OR NEW.mission_id IS DISTINCT FROM OLD.mission_id
        OR NEW.version IS DISTINCT FROM OLD.version OR NEW.trainer_id IS DISTINCT FROM OLD.trainer_id
        OR NEW.centre_id IS DISTINCT FROM OLD.centre_id OR NEW.template_version IS DISTINCT FROM OLD.template_version
        OR NEW.content IS DISTINCT FROM OLD.content OR NEW.total_cents IS DISTINCT FROM OLD.total_cents
        OR NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256 THEN
        RAISE EXCEPTION 'a contract''s content is frozen';
    END IF;
    IF (OLD.status = 'remplace' AND NEW.status <> 'remplace')
        OR (OLD.status = 'signe' AND NEW.status NOT IN ('signe', 'remplace')) THEN
        RAISE EXCEPTION 'a signed or replaced contract keeps its status';
    END IF;
    IF OLD.signed_sha256 IS NOT NULL AND (NEW.signed_pdf IS DISTINCT FROM OLD.signed_pdf
        OR NEW.signed_sha256 IS DISTINCT FROM OLD.signed_sha256 OR NEW.proof_json IS DISTINCT FROM OLD.proof_json
        OR NEW.proof_pdf IS DISTINCT FROM OLD.proof_pdf OR NEW.trainer_signed_at IS DISTINCT FROM OLD.trainer_signed_at
        OR NEW.centre_signed_at IS DISTINCT FROM OLD.centre_signed_at) THEN
        RAISE EXCEPTION 'a signed contract cannot change';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER contracts_frozen BEFORE UPDATE OR DELETE ON contracts
    FOR EACH ROW EXECUTE FUNCTION contracts_guard();

-- Append-only: each entry holds the hash of the previous entry of the same contract.
CREATE TABLE signature_log (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    party TEXT NOT NULL,
    signer_name TEXT NOT NULL DEFAULT '',
    signer_email TEXT NOT NULL DEFAULT '',
    identified_by TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    document_sha256 TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    UNIQUE (contract_id, seq)
);
CREATE FUNCTION signature_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the signature log is append-only';
END;
$$;
CREATE TRIGGER signature_log_append_only BEFORE UPDATE OR DELETE ON signature_log
    FOR EACH ROW EXECUTE FUNCTION signature_log_guard();

-- One-time codes sent by email before signing (hashed; a few attempts; short-lived).
CREATE TABLE signing_codes (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    party TEXT NOT NULL,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX signing_codes_contract ON signing_codes(contract_id, party, created_at);

-- Links emailed to a centre's contact: sign once before `expires_at`, read until `readable_until`.
CREATE TABLE signing_links (
    token_hash TEXT PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    readable_until TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX signing_links_contract ON signing_links(contract_id);
