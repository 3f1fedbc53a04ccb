-- The reference schema declares ids without AUTO_INCREMENT: SQLite assigns them anyway
-- (INTEGER PRIMARY KEY is its rowid), MySQL rejects an insert without one.
-- MySQL 8 (Aurora MySQL 3) refuses to change a column a foreign key points at unless
-- the checks are off for the change.
SET FOREIGN_KEY_CHECKS = 0;
ALTER TABLE users MODIFY id INTEGER NOT NULL AUTO_INCREMENT;
ALTER TABLE posts MODIFY id INTEGER NOT NULL AUTO_INCREMENT;
ALTER TABLE comments MODIFY id INTEGER NOT NULL AUTO_INCREMENT;
SET FOREIGN_KEY_CHECKS = 1;
