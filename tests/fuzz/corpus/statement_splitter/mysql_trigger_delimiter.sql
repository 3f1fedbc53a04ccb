1-- a trigger with its own delimiter, as the mysql client reads it
DELIMITER $$
CREATE TRIGGER posts_hits BEFORE UPDATE ON posts FOR EACH ROW
BEGIN
  IF NEW.hits < 0 THEN SET NEW.hits = 0; END IF;
END$$
DELIMITER ;
INSERT INTO posts (title) VALUES ('it''s; a \'quote\''); /*! executable */ SELECT 1 # hash comment
