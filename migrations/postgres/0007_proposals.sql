-- The proposal step between an application and a filled mission, and a mission's dated history.
-- Application statuses: envoyee, retiree, proposee, acceptee, declinee, non_retenue, expiree
-- ('retenue' of the first version becomes 'acceptee').
ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_status_check;
UPDATE applications SET status = 'acceptee' WHERE status = 'retenue';
ALTER TABLE applications ADD CONSTRAINT applications_status_check
    CHECK (status IN ('envoyee', 'retiree', 'proposee', 'acceptee', 'declinee', 'non_retenue', 'expiree'));
ALTER TABLE applications ADD COLUMN updated_at TIMESTAMPTZ;
UPDATE applications SET updated_at = created_at;
ALTER TABLE applications ALTER COLUMN updated_at SET NOT NULL;
DROP INDEX IF EXISTS applications_user;
CREATE INDEX applications_user ON applications(user_id, created_at);
CREATE INDEX applications_mission_status ON applications(mission_id, status);

-- At most one open proposal per mission: the partial unique index decides between two staff
-- members proposing at the same moment.
CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'ouverte' CHECK (status IN ('ouverte', 'acceptee', 'declinee', 'expiree', 'annulee')),
    hourly_rate_cents BIGINT NOT NULL,
    hours BIGINT NOT NULL,
    deadline TIMESTAMPTZ NOT NULL,
    proposed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    decline_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX proposals_one_open ON proposals(mission_id) WHERE status = 'ouverte';
CREATE INDEX proposals_user ON proposals(user_id, mission_id);
CREATE INDEX proposals_open_deadline ON proposals(status, deadline);

-- Every step of a mission's life that is not a status or rate change, dated and attributed.
-- `user_id`: the trainer concerned; `actor_id`: who acted (NULL for a scheduled job).
CREATE TABLE mission_events (
    id BIGSERIAL PRIMARY KEY,
    mission_id BIGINT NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    detail TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mission_events_mission ON mission_events(mission_id, at);
