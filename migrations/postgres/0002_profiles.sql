-- Trainer profiles (PROFIL, PARCOURS, administrative situation), documents, staff reviews and
-- the audit log.

-- The platform's list of training domains; language domains name the language taught.
CREATE TABLE domains (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    category TEXT NOT NULL,
    language TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

INSERT INTO domains (code, label, category, language) VALUES
    ('excel', 'Excel', 'Bureautique', NULL),
    ('word', 'Word', 'Bureautique', NULL),
    ('powerpoint', 'PowerPoint', 'Bureautique', NULL),
    ('anglais', 'Anglais', 'Langues', 'en'),
    ('fle', 'Français langue étrangère (FLE)', 'Langues', 'fr'),
    ('espagnol', 'Espagnol', 'Langues', 'es'),
    ('allemand', 'Allemand', 'Langues', 'de'),
    ('italien', 'Italien', 'Langues', 'it'),
    ('comptabilite', 'Comptabilité et gestion', 'Gestion', NULL),
    ('management', 'Management d''équipe', 'Management', NULL),
    ('marketing-digital', 'Marketing digital', 'Numérique', NULL),
    ('developpement-web', 'Développement web', 'Numérique', NULL),
    ('cybersecurite', 'Cybersécurité', 'Numérique', NULL),
    ('securite-travail', 'Sécurité au travail (SST)', 'Sécurité', NULL);

CREATE TABLE trainer_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'brouillon'
        CHECK (status IN ('brouillon', 'en_attente', 'valide', 'modifications_demandees', 'refuse')),
    civility TEXT CHECK (civility IN ('mme', 'm')),
    mobile_phone TEXT,
    address_line TEXT,
    postal_code TEXT,
    commune_code TEXT,
    commune_name TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    mobility_km BIGINT,
    accepts_onsite BOOLEAN NOT NULL DEFAULT FALSE,
    accepts_remote BOOLEAN NOT NULL DEFAULT FALSE,
    presentation TEXT,
    legal_status TEXT,
    siret TEXT,
    nda TEXT,
    micro_social BOOLEAN NOT NULL DEFAULT FALSE,
    yearly_turnover_cents BIGINT,
    qualiopi_number TEXT,
    qualiopi_valid_from DATE,
    qualiopi_valid_until DATE,
    urssaf_attestation_date DATE,
    -- Each verified part goes back to verification when edited: 'none', 'pending', 'verified'.
    nda_check TEXT NOT NULL DEFAULT 'none',
    siret_check TEXT NOT NULL DEFAULT 'none',
    qualiopi_check TEXT NOT NULL DEFAULT 'none',
    submitted_at TIMESTAMPTZ,
    reviewed_at TIMESTAMPTZ,
    email_digest BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX trainer_profiles_status ON trainer_profiles(status, submitted_at);

CREATE TABLE experiences (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    organisation TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX experiences_user ON experiences(user_id);

CREATE TABLE diplomas (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('diplome', 'certification')),
    title TEXT NOT NULL,
    institution TEXT NOT NULL DEFAULT '',
    year BIGINT NOT NULL
);
CREATE INDEX diplomas_user ON diplomas(user_id);

CREATE TABLE trainer_domains (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    domain_code TEXT NOT NULL REFERENCES domains(code),
    years_experience BIGINT NOT NULL,
    self_level TEXT NOT NULL,
    PRIMARY KEY (user_id, domain_code)
);
CREATE INDEX trainer_domains_domain ON trainer_domains(domain_code);

CREATE TABLE trainer_languages (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    language_code TEXT NOT NULL,
    cefr TEXT NOT NULL,
    mother_tongue BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (user_id, language_code)
);

CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cv', 'qualiopi', 'urssaf', 'diplome', 'autre')),
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_user ON documents(user_id);

CREATE TABLE profile_reviews (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reviewer_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decision TEXT NOT NULL CHECK (decision IN ('valide', 'modifications_demandees', 'refuse')),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX profile_reviews_user ON profile_reviews(user_id, created_at);

CREATE TABLE review_reasons (
    review_id BIGINT NOT NULL REFERENCES profile_reviews(id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (review_id, section)
);

-- Who did what to whose profile: staff decisions and every opening of a trainer's document.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target_user_id BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_created ON audit_log(created_at);
