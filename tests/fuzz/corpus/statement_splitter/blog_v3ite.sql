0-- SQLite already assigns ids: an INTEGER PRIMARY KEY is the table's rowid.
-- This version exists so that both engines agree on the schema's version (see v3.mysql.sql).
