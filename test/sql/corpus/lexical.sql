select id from users where id = 1;
SeLeCt Id FrOm users wHeRe Id = 1;
SELECT
  id,
  name
FROM
  users
WHERE
  id = 1;
SELECT	id	FROM	users	WHERE	id=1;
SELECT id FROM users WHERE id=1 AND name='x';
SELECT(1)+(2);
SELECT 1+-1, 1- -1, 1--1;
SELECT 'it''s', 'it\'s', "say ""hi""", "say \"hi\"";
SELECT 'a\0b', 'a\bb', 'a\nb', 'a\rb', 'a\tb', 'a\Zb', 'a\\b', 'a\%b', 'a\_b', 'a\qb';
SELECT "double ' inside", 'single " inside';
SELECT '', "", '''', """";
SELECT 'line one
line two';
SELECT 'unicode: é ü 中文 🚀';
SELECT 'a' 'b', 'a' "b" 'c';
SELECT 'a'
  'b';
SELECT _utf8mb4'text', _latin1'text', _binary'bytes', _utf8mb4 'spaced';
SELECT _utf8mb4'x' COLLATE utf8mb4_bin;
SELECT N'national', n'lower', N'';
SELECT _utf8mb4 0x41, _latin1 X'41', _binary b'1000001';
SELECT 0x0, 0x1f, 0xDEADBEEF, 0x00FF00FF00FF;
SELECT 0X1F, 0B101 FROM (SELECT 1 AS 0X1F, 2 AS 0B101) x;
SELECT X'', X'1F', x'1f', X'DEADBEEF';
SELECT 0b0, 0b1, 0b101, 0b11111111;
SELECT B'', B'1', b'101', B'0101';
SELECT 0, 00, 007, 123, 4294967296;
SELECT 1.0, 1.50, 0.0001, 100.;
SELECT 1e0, 1E5, 1e-5, 1.5e+10, .5e1, 5.E2;
SELECT 1.e3;
SELECT id FROM users WHERE id = 1 # hash comment
;
SELECT id FROM users -- dash comment
WHERE id = 1;
SELECT id FROM users WHERE id = 1 -- trailing comment
;
SELECT id /* inline */ FROM /* another */ users;
SELECT /* multi
line
comment */ id FROM users;
/* leading comment */ SELECT 1;
# leading hash comment
SELECT 2;
-- leading dash comment
SELECT 3;
SELECT 1 /* comment with ; semicolon */ + 1;
SELECT 1 /* comment with 'quote' and "dq" and `bt` */;
SELECT 1 /**/;
SELECT 1 /* ** */ + /***/ 2;
SELECT 5--1;
SELECT 5 - -1;
SELECT 1 /*! + 1 */;
SELECT 1 /*!50708 + 1 */;
SELECT 1 /*!80000 + 1 */;
SELECT /*!40001 SQL_NO_CACHE */ id FROM users;
SELECT * FROM users /*!40000 WHERE id = 1 */;
SELECT 1 /*M! + 1 */;
SELECT 1 /*M!100500 + 1 */;
/*!40101 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_UNIQUE_CHECKS = @@UNIQUE_CHECKS, UNIQUE_CHECKS = 0 */;
/*!40103 SET TIME_ZONE = '+00:00' */;
CREATE TABLE /*!32312 IF NOT EXISTS */ t_dump (id INT) /*!50100 ENGINE = InnoDB */;
SELECT /*+ BKA(t1) */ a FROM t1;
SELECT /*+ NO_RANGE_OPTIMIZATION(t1 PRIMARY) */ a FROM t1 WHERE id > 3;
UPDATE /*+ MAX_EXECUTION_TIME(100) */ t1 SET a = 1 WHERE id = 1;
DELETE /*+ NO_INDEX_MERGE(t1) */ FROM t1 WHERE id = 1;
INSERT /*+ SET_VAR(foreign_key_checks = 0) */ INTO t1 (id) VALUES (1);
SELECT `id` FROM `users`;
SELECT `select` FROM `order`;
SELECT `a``b` FROM (SELECT 1 AS `a``b`) AS x;
SELECT `weird col` FROM `order`;
SELECT `1abc` FROM (SELECT 1 AS `1abc`) x;
SELECT `中文` FROM (SELECT 1 AS `中文`) x;
SELECT 1 AS `SELECT`, 2 AS `FROM`, 3 AS `WHERE`;
SELECT users.`name`, `users`.name, `users`.`name` FROM users;
SELECT _a, a_, a$b, $a FROM (SELECT 1 AS _a, 2 AS a_, 3 AS a$b, 4 AS $a) x;
SELECT 1abc FROM (SELECT 1 AS 1abc) x;
SELECT 123abc, 0x1g FROM (SELECT 1 AS 123abc, 2 AS 0x1g) x;
SELECT t1e2 FROM (SELECT 1 AS t1e2) x;
SELECT status, date, name, timestamp, comment, data, level, type, value, text, year, month, hour, position FROM (SELECT 1 status, 2 date, 3 name, 4 timestamp, 5 comment, 6 data, 7 level, 8 type, 9 value, 10 text, 11 year, 12 month, 13 hour, 14 position) x;
SELECT action, begin, end, commit, rollback, start, names, user, password, view, engine, tables, first, last FROM (SELECT 1 action, 2 begin, 3 end, 4 commit, 5 rollback, 6 start, 7 names, 8 user, 9 password, 10 view, 11 engine, 12 tables, 13 first, 14 last) x;
SELECT a.status FROM `my-table` AS a WHERE a.date IS NULL;
SELECT @v, @v1, @_v, @v$, @v.x, @`v-x`, @'v y', @"v z";
SELECT @@version, @@VERSION, @@global.version, @@session.sql_mode, @@local.sql_mode, @@GLOBAL.max_connections;
SELECT @@`version`;
SELECT @@session.`sql_mode`;
SELECT ?;
SELECT ?, ?, ?;
SELECT * FROM users WHERE id = ? AND name = ? AND email LIKE ? LIMIT ?;
SELECT id FROM users WHERE id=?;
SELECT id FROM users WHERE id IN(?,?);
SELECT 1 <=> 1, NULL <=> NULL, 1 <=> NULL;
SELECT 1<=>1;
SELECT 1 != 2, 1 <> 2, 1 < 2, 1 <= 2, 1 > 2, 1 >= 2, 1 = 2;
SELECT 1<2,1<=2,1>2,1>=2,1<>2,1!=2;
SELECT 1 << 3, 16 >> 2, 5 & 3, 5 | 3, 5 ^ 3, ~5;
SELECT 1<<3, 16>>2, 5&3, 5|3, 5^3;
SELECT 1 && 0, 1 || 0, !1, ! 0, NOT 1;
SELECT 1&&0, 1||0, !!1;
SELECT 7 DIV 2, 7 MOD 2, 7 % 2, 7/2, 7*2, 7-2, 7+2;
SELECT @a := 1, @b:=2;
SELECT 1 AND 2, 1 OR 2, 1 XOR 2, NOT 1 IS NULL;
SELECT -1, - 1, --1, -(-1), +-1;
SELECT 'x' LIKE 'x', 'x' NOT LIKE 'y';
SELECT id FROM corpus . users;
SELECT u . id FROM users u;
SELECT users.*, 1 FROM users;
SELECT COUNT( * ) FROM users;
SELECT COUNT ( * ) FROM users;
SELECT NOW ( );
SELECT 1 ; 
SELECT	1	;
SELECT 1 /* ends in a comment */;
SELECT "ANSI? no: a string" AS s;
SELECT 'a' || 'b';
SELECT 1 IS TRUE, 0 IS FALSE, NULL IS UNKNOWN, 1 IS NOT TRUE;
SELECT 0x41 + 0, CAST(0x41 AS CHAR), X'41' = 'A';
SELECT 9223372036854775807 + 0, 18446744073709551615 + 0;
SELECT 1.7976931348623157E308, 4.9E-324;
SELECT '2024-01-01' + INTERVAL 1 DAY;
SELECT DATE'2024-01-01', TIME'12:00:00', TIMESTAMP'2024-01-01 00:00:00';
SELECT TRUE + TRUE, FALSE - TRUE;
SELECT null, NULL, Null, \N;
