-- Partner centres and their pay grids, missions with their learners, status and rate history,
-- applications, the daily broadcast (once-only deliveries) and job leases.

CREATE TABLE centres (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    siret TEXT NOT NULL,
    nda TEXT,
    address_line TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL,
    commune_name TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    management_mode TEXT NOT NULL CHECK (management_mode IN ('formateurs', 'totale')),
    default_hourly_rate_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

ALTER TABLE users ADD COLUMN centre_id INTEGER REFERENCES centres(id);

CREATE TABLE pay_rates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    centre_id INTEGER NOT NULL REFERENCES centres(id) ON DELETE CASCADE,
    domain_code TEXT REFERENCES domains(code),
    format TEXT CHECK (format IN ('presentiel', 'distanciel')),
    group_kind TEXT CHECK (group_kind IN ('individuel', 'collectif')),
    min_hours INTEGER NOT NULL DEFAULT 0,
    max_hours INTEGER,
    hourly_rate_cents INTEGER NOT NULL
);
CREATE INDEX pay_rates_centre ON pay_rates(centre_id);

CREATE TABLE missions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    title TEXT NOT NULL,
    domain_code TEXT NOT NULL REFERENCES domains(code),
    description TEXT NOT NULL DEFAULT '',
    learner_level TEXT NOT NULL,
    native_requirement TEXT NOT NULL DEFAULT 'indifferent',
    format TEXT NOT NULL CHECK (format IN ('presentiel', 'distanciel')),
    group_kind TEXT NOT NULL CHECK (group_kind IN ('individuel', 'collectif')),
    postal_code TEXT,
    commune_name TEXT,
    latitude REAL,
    longitude REAL,
    hours INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    rhythm TEXT NOT NULL DEFAULT '',
    cpf_funded INTEGER NOT NULL DEFAULT 0,
    learners_count INTEGER NOT NULL DEFAULT 1,
    hourly_rate_cents INTEGER NOT NULL,
    rate_overridden INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'brouillon',
    published_at TEXT,
    chosen_trainer_id INTEGER REFERENCES users(id),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Search: published missions by start date, by domain, and by place (latitude range).
CREATE INDEX missions_status_start ON missions(status, start_date);
CREATE INDEX missions_status_domain ON missions(status, domain_code, start_date);
CREATE INDEX missions_status_latitude ON missions(status, latitude);
CREATE INDEX missions_published ON missions(published_at);
CREATE INDEX missions_centre ON missions(centre_id, status);

-- The learners' contacts stay hidden from every trainer until one is chosen.
CREATE TABLE mission_learners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mission_learners_mission ON mission_learners(mission_id);

CREATE TABLE mission_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    changed_by INTEGER REFERENCES users(id),
    changed_at TEXT NOT NULL
);
CREATE INDEX mission_status_history_mission ON mission_status_history(mission_id);

CREATE TABLE mission_rate_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    hourly_rate_cents INTEGER NOT NULL,
    reason TEXT NOT NULL,
    changed_by INTEGER REFERENCES users(id),
    changed_at TEXT NOT NULL
);
CREATE INDEX mission_rate_history_mission ON mission_rate_history(mission_id);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'envoyee' CHECK (status IN ('envoyee', 'retenue', 'non_retenue', 'retiree')),
    hourly_rate_cents INTEGER NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (mission_id, user_id)
);
CREATE INDEX applications_user ON applications(user_id);

-- A trainer never gets the same mission twice in a digest: the key enforces it.
CREATE TABLE mission_broadcasts (
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (mission_id, user_id)
);
CREATE INDEX mission_broadcasts_user ON mission_broadcasts(user_id);

-- Background jobs run on one node at a time: whoever holds the lease.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    last_run_at TEXT
);

-- Trainers near a place: for the broadcast.
CREATE INDEX trainer_profiles_latitude ON trainer_profiles(status, latitude);
