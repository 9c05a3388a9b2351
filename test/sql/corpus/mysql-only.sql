SELECT @@transaction_isolation;
SELECT @@session.transaction_read_only;
SELECT * FROM (SELECT 1 AS a, 2 AS b) AS t (x, y);
SELECT id, LEAD(amount, 1, 0) OVER (PARTITION BY user_id ORDER BY created_at) FROM orders;
