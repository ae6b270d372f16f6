-- The proposal step between an application and a filled mission, and a mission's dated history.
-- Application statuses: envoyee, retiree, proposee, acceptee, declinee, non_retenue, expiree
-- ('retenue' of the first version becomes 'acceptee'). SQLite cannot change a CHECK in place:
-- the table is rebuilt (nothing references it).
CREATE TABLE applications_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'envoyee'
        CHECK (status IN ('envoyee', 'retiree', 'proposee', 'acceptee', 'declinee', 'non_retenue', 'expiree')),
    hourly_rate_cents INTEGER NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (mission_id, user_id)
);
INSERT INTO applications_v2 (id, mission_id, user_id, status, hourly_rate_cents, message, created_at, updated_at)
    SELECT id, mission_id, user_id, CASE status WHEN 'retenue' THEN 'acceptee' ELSE status END,
           hourly_rate_cents, message, created_at, created_at
    FROM applications;
DROP TABLE applications;
ALTER TABLE applications_v2 RENAME TO applications;
CREATE INDEX applications_user ON applications(user_id, created_at);
CREATE INDEX applications_mission_status ON applications(mission_id, status);

-- At most one open proposal per mission: the partial unique index decides between two staff
-- members proposing at the same moment.
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'ouverte' CHECK (status IN ('ouverte', 'acceptee', 'declinee', 'expiree', 'annulee')),
    hourly_rate_cents INTEGER NOT NULL,
    hours INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    proposed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    proposed_at TEXT NOT NULL,
    closed_at TEXT,
    decline_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX proposals_one_open ON proposals(mission_id) WHERE status = 'ouverte';
CREATE INDEX proposals_user ON proposals(user_id, mission_id);
CREATE INDEX proposals_open_deadline ON proposals(status, deadline);

-- Every step of a mission's life that is not a status or rate change, dated and attributed.
-- `user_id`: the trainer concerned; `actor_id`: who acted (NULL for a scheduled job).
CREATE TABLE mission_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX mission_events_mission ON mission_events(mission_id, at);
