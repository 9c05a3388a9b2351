SELECT @@transaction_isolation;
SELECT @@session.transaction_read_only;
SELECT * FROM (SELECT 1 AS a, 2 AS b) AS t (x, y);
SELECT id, LEAD(amount, 1, 0) OVER (PARTITION BY user_id ORDER BY created_at) FROM orders;
SET max_execution_time = 1000;
ALTER TABLE users DROP CHECK chk_age;
ALTER TABLE users ALTER INDEX idx_tenant INVISIBLE;
DROP INDEX idx_city ON corpus.users ALGORITHM = INPLACE LOCK = DEFAULT;
