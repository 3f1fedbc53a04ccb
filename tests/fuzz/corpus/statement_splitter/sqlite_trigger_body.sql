0CREATE TABLE t (id INTEGER PRIMARY KEY, [weird;name] TEXT, "q;" TEXT);
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
  UPDATE t SET "q;" = 'x;y' WHERE id = NEW.id;
  SELECT CASE WHEN NEW.id > 1 THEN 'a' ELSE 'b' END;
END;
/* a block
   comment; */ -- a line comment;
SELECT 1;