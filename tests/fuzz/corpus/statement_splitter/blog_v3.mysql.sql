1-- The reference schema declares ids without AUTO_INCREMENT: SQLite assigns them anyway
-- (INTEGER PRIMARY KEY is its rowid), MySQL rejects an insert without one.
-- MySQL 8 (Aurora MySQL 3) refuses to change a column a foreign key points at unless
-- the checks are off for the change.
SET FOREIGN_KEY_CHECKS = 0;
ALTER TABLE users MODIFY id INTEGER NOT NULL AUTO_INCREMENT;
ALTER TABLE posts MODIFY id INTEGER NOT NULL AUTO_INCREMENT;
ALTER TABLE comments MODIFY id INTEGER NOT NULL AUTO_INCREMENT;
SET FOREIGN_KEY_CHECKS = 1;
-- The blog takes up to 65535 characters of description and comment (as it does on
-- SQLite); a MySQL TEXT holds 65535 bytes, too few for multi-byte characters.
ALTER TABLE posts MODIFY description MEDIUMTEXT;
ALTER TABLE comments MODIFY comment_text MEDIUMTEXT;
