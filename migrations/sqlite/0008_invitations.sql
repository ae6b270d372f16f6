-- "Meilleurs profils": staff invite eligible trainers who have not applied to a published
-- mission; one invitation per trainer and mission.
CREATE TABLE mission_invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    invited_at TEXT NOT NULL,
    UNIQUE (mission_id, user_id)
);
CREATE INDEX mission_invitations_user ON mission_invitations(user_id);

-- The prefilter of the best profiles starts from the mission domain's test: its passed
-- attempts at the levels the learners need, still valid, as index ranges.
CREATE INDEX attempts_test_passed ON attempts(test_id, passed, level, valid_until);
