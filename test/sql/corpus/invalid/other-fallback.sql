-- Invalid statements whose first keywords also begin statements sluice does not model (ALTER USER,
-- SHOW ENGINE, BEGIN NOT ATOMIC, START SLAVE ...): sluice may refuse them with 1064 or pass them on
-- as kind "other" (the backend then refuses them), but must never read them as a statement it knows.

CREATE;
DROP;
START;
UNLOCK;
SHOW CREATE;
ALTER users ADD COLUMN x INT;
RENAME users TO members;
BEGIN TRANSACTION;
