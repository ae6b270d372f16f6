-- Competence tests: the Qualiopi QCM, domain tests and language placement tests, their question
-- banks, and trainers' attempts.

CREATE TABLE tests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('qualiopi', 'domain', 'language')),
    domain_code TEXT REFERENCES domains(code),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    questions_per_attempt INTEGER NOT NULL,
    time_limit_minutes INTEGER NOT NULL,
    pass_mark_percent INTEGER NOT NULL,
    validity_months INTEGER NOT NULL,
    retake_delay_days INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    test_id INTEGER NOT NULL REFERENCES tests(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple')),
    prompt TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    cefr TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX questions_test ON questions(test_id, active);

CREATE TABLE question_options (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    correct INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX question_options_question ON question_options(question_id);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    test_id INTEGER NOT NULL REFERENCES tests(id),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    deadline_at TEXT NOT NULL,
    submitted_at TEXT,
    question_count INTEGER NOT NULL,
    correct_count INTEGER,
    score_percent INTEGER,
    passed INTEGER,
    level TEXT,
    valid_until TEXT,
    retake_from TEXT
);
CREATE INDEX attempts_user ON attempts(user_id, test_id, submitted_at);
-- One attempt at a time per trainer and test.
CREATE UNIQUE INDEX attempts_one_open ON attempts(user_id, test_id) WHERE submitted_at IS NULL;

CREATE TABLE attempt_questions (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES questions(id),
    option_order TEXT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE attempt_answers (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id),
    selected TEXT NOT NULL,
    -- Set when the attempt is scored, for each question's success rate.
    is_correct INTEGER,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
