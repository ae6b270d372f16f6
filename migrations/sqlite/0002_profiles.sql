-- Trainer profiles (PROFIL, PARCOURS, administrative situation), documents, staff reviews and
-- the audit log. Dates are ISO text (YYYY-MM-DD); timestamps RFC 3339 text (UTC).

-- The platform's list of training domains; language domains name the language taught.
CREATE TABLE domains (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    category TEXT NOT NULL,
    language TEXT,
    active INTEGER NOT NULL DEFAULT 1
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
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'brouillon'
        CHECK (status IN ('brouillon', 'en_attente', 'valide', 'modifications_demandees', 'refuse')),
    civility TEXT CHECK (civility IN ('mme', 'm')),
    mobile_phone TEXT,
    address_line TEXT,
    postal_code TEXT,
    commune_code TEXT,
    commune_name TEXT,
    latitude REAL,
    longitude REAL,
    mobility_km INTEGER,
    accepts_onsite INTEGER NOT NULL DEFAULT 0,
    accepts_remote INTEGER NOT NULL DEFAULT 0,
    presentation TEXT,
    legal_status TEXT,
    siret TEXT,
    nda TEXT,
    micro_social INTEGER NOT NULL DEFAULT 0,
    yearly_turnover_cents INTEGER,
    qualiopi_number TEXT,
    qualiopi_valid_from TEXT,
    qualiopi_valid_until TEXT,
    urssaf_attestation_date TEXT,
    -- Each verified part goes back to verification when edited: 'none', 'pending', 'verified'.
    nda_check TEXT NOT NULL DEFAULT 'none',
    siret_check TEXT NOT NULL DEFAULT 'none',
    qualiopi_check TEXT NOT NULL DEFAULT 'none',
    submitted_at TEXT,
    reviewed_at TEXT,
    email_digest INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX trainer_profiles_status ON trainer_profiles(status, submitted_at);

CREATE TABLE experiences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    organisation TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX experiences_user ON experiences(user_id);

CREATE TABLE diplomas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('diplome', 'certification')),
    title TEXT NOT NULL,
    institution TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL
);
CREATE INDEX diplomas_user ON diplomas(user_id);

CREATE TABLE trainer_domains (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    domain_code TEXT NOT NULL REFERENCES domains(code),
    years_experience INTEGER NOT NULL,
    self_level TEXT NOT NULL,
    PRIMARY KEY (user_id, domain_code)
);
CREATE INDEX trainer_domains_domain ON trainer_domains(domain_code);

CREATE TABLE trainer_languages (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    language_code TEXT NOT NULL,
    cefr TEXT NOT NULL,
    mother_tongue INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, language_code)
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cv', 'qualiopi', 'urssaf', 'diplome', 'autre')),
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX documents_user ON documents(user_id);

CREATE TABLE profile_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reviewer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decision TEXT NOT NULL CHECK (decision IN ('valide', 'modifications_demandees', 'refuse')),
    created_at TEXT NOT NULL
);
CREATE INDEX profile_reviews_user ON profile_reviews(user_id, created_at);

CREATE TABLE review_reasons (
    review_id INTEGER NOT NULL REFERENCES profile_reviews(id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (review_id, section)
);

-- Who did what to whose profile: staff decisions and every opening of a trainer's document.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target_user_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX audit_log_created ON audit_log(created_at);
