-- Accounts, password resets, login throttling, outgoing emails and in-app notifications.
-- Timestamps are RFC 3339 text written by the application (UTC).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('trainer', 'staff', 'centre')),
    terms_accepted_at TEXT,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE password_reset_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens(user_id);

-- One row per login key (normalised email), known account or not, so that throttling
-- works across app nodes and does not reveal which emails have an account.
CREATE TABLE login_throttle (
    login_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at TEXT NOT NULL,
    locked_until TEXT
);

CREATE TABLE emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- Kept only when mail goes to the local outbox, so a local user can follow its links.
    body_text TEXT,
    transport TEXT NOT NULL CHECK (transport IN ('outbox', 'smtp')),
    status TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    created_at TEXT NOT NULL
);
CREATE INDEX emails_created ON emails(created_at);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);

-- Small key/value facts about the installation (e.g. whether demo data was loaded).
CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
