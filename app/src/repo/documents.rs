//! Trainers' uploaded documents: records of the files kept under DATA_DIR/uploads.
