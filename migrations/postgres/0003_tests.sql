-- Competence tests: the Qualiopi QCM, domain tests and language placement tests, their question
-- banks, and trainers' attempts.

CREATE TABLE tests (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('qualiopi', 'domain', 'language')),
    domain_code TEXT REFERENCES domains(code),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    questions_per_attempt BIGINT NOT NULL,
    time_limit_minutes BIGINT NOT NULL,
    pass_mark_percent BIGINT NOT NULL,
    validity_months BIGINT NOT NULL,
    retake_delay_days BIGINT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE questions (
    id BIGSERIAL PRIMARY KEY,
    test_id BIGINT NOT NULL REFERENCES tests(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple')),
    prompt TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    cefr TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX questions_test ON questions(test_id, active);

CREATE TABLE question_options (
    id BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    correct BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX question_options_question ON question_options(question_id);

CREATE TABLE attempts (
    id BIGSERIAL PRIMARY KEY,
    test_id BIGINT NOT NULL REFERENCES tests(id),
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    started_at TIMESTAMPTZ NOT NULL,
    deadline_at TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ,
    question_count BIGINT NOT NULL,
    correct_count BIGINT,
    score_percent BIGINT,
    passed BOOLEAN,
    level TEXT,
    valid_until DATE,
    retake_from DATE
);
CREATE INDEX attempts_user ON attempts(user_id, test_id, submitted_at);
-- One attempt at a time per trainer and test.
CREATE UNIQUE INDEX attempts_one_open ON attempts(user_id, test_id) WHERE submitted_at IS NULL;

CREATE TABLE attempt_questions (
    attempt_id BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    option_order TEXT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE attempt_answers (
    attempt_id BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    selected TEXT NOT NULL,
    -- Set when the attempt is scored, for each question's success rate.
    is_correct BOOLEAN,
    answered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
