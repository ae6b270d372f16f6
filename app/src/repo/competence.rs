//! Competence tests: question banks, attempts, answers and results.
