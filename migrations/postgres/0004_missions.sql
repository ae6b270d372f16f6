-- Partner centres and their pay grids, missions with their learners, status and rate history,
-- applications, the daily broadcast (once-only deliveries) and job leases.

CREATE TABLE centres (
    id BIGSERIAL PRIMARY KEY,
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
    default_hourly_rate_cents BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE users ADD COLUMN centre_id BIGINT REFERENCES centres(id);

CREATE TABLE pay_rates (
    id BIGSERIAL PRIMARY KEY,
    centre_id BIGINT NOT NULL REFERENCES centres(id) ON DELETE CASCADE,
    domain_code TEXT REFERENCES domains(code),
    format TEXT CHECK (format IN ('presentiel', 'distanciel')),
    group_kind TEXT CHECK (group_kind IN ('individuel', 'collectif')),
    min_hours BIGINT NOT NULL DEFAULT 0,
    max_hours BIGINT,
    hourly_rate_cents BIGINT NOT NULL
);
CREATE INDEX pay_rates_centre ON pay_rates(centre_id);

CREATE TABLE missions (
    id BIGSERIAL PRIMARY KEY,
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    title TEXT NOT NULL,
    domain_code TEXT NOT NULL REFERENCES domains(code),
    description TEXT NOT NULL DEFAULT '',
    learner_level TEXT NOT NULL,
    native_requirement TEXT NOT NULL DEFAULT 'indifferent',
    format TEXT NOT NULL CHECK (format IN ('presentiel', 'distanciel')),
    group_kind TEXT NOT NULL CHECK (group_kind IN ('individuel', 'collectif')),
    postal_code TEXT,
    commune_name TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    hours BIGINT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    rhythm TEXT NOT NULL DEFAULT '',
    cpf_funded BOOLEAN NOT NULL DEFAULT FALSE,
    learners_count BIGINT NOT NULL DEFAULT 1,
    hourly_rate_cents BIGINT NOT NULL,
    rate_overridden BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'brouillon',
    published_at TIMESTAMPTZ,
    chosen_trainer_id BIGINT REFERENCES users(id),
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- Search: published missions by start date, by domain, and by place (latitude range).
CREATE INDEX missions_status_start ON missions(status, start_date);
CREATE INDEX missions_status_domain ON missions(status, domain_code, start_date);
CREATE INDEX missions_status_latitude ON missions(status, latitude);
CREATE INDEX missions_published ON missions(published_at);
CREATE INDEX missions_centre ON missions(centre_id, status);

-- The learners' contacts stay hidden from every trainer until one is chosen.
CREATE TABLE mission_learners (
    id BIGSERIAL PRIMARY KEY,
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mission_learners_mission ON mission_learners(mission_id);

CREATE TABLE mission_status_history (
    id BIGSERIAL PRIMARY KEY,
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    changed_by BIGINT REFERENCES users(id),
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mission_status_history_mission ON mission_status_history(mission_id);

CREATE TABLE mission_rate_history (
    id BIGSERIAL PRIMARY KEY,
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    hourly_rate_cents BIGINT NOT NULL,
    reason TEXT NOT NULL,
    changed_by BIGINT REFERENCES users(id),
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mission_rate_history_mission ON mission_rate_history(mission_id);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'envoyee' CHECK (status IN ('envoyee', 'retenue', 'non_retenue', 'retiree')),
    hourly_rate_cents BIGINT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (mission_id, user_id)
);
CREATE INDEX applications_user ON applications(user_id);

-- A trainer never gets the same mission twice in a digest: the key enforces it.
CREATE TABLE mission_broadcasts (
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (mission_id, user_id)
);
CREATE INDEX mission_broadcasts_user ON mission_broadcasts(user_id);

-- Background jobs run on one node at a time: whoever holds the lease.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ
);

-- Trainers near a place: for the broadcast.
CREATE INDEX trainer_profiles_latitude ON trainer_profiles(status, latitude);
