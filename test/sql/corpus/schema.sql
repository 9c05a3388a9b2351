-- The schema every corpus statement is checked against (run by the corpus tests as root before the
-- per-statement PREPARE checks). MariaDB resolves tables, columns and functions of DML statements at
-- PREPARE time, so every table, column, routine and user a corpus statement names must exist here.
DROP DATABASE IF EXISTS corpus;
DROP DATABASE IF EXISTS analytics;
CREATE DATABASE corpus CHARACTER SET utf8mb4;
CREATE DATABASE analytics CHARACTER SET utf8mb4;
USE corpus;

CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id INT NOT NULL DEFAULT 0,
  name VARCHAR(100) NOT NULL DEFAULT '',
  email VARCHAR(255),
  status VARCHAR(20) NOT NULL DEFAULT 'active',
  age INT,
  score DECIMAL(10,2),
  country CHAR(2),
  city VARCHAR(64),
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  deleted_at DATETIME NULL,
  `date` DATE,
  data LONGTEXT,
  bio TEXT,
  flags INT UNSIGNED NOT NULL DEFAULT 0,
  KEY idx_tenant (tenant_id),
  KEY idx_email (email),
  KEY idx_status_created (status, created_at),
  FULLTEXT KEY ft_bio (bio)
) ENGINE=InnoDB;

CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  tenant_id INT NOT NULL DEFAULT 0,
  amount DECIMAL(12,2) NOT NULL DEFAULT 0,
  total DECIMAL(12,2) NOT NULL DEFAULT 0,
  currency CHAR(3) NOT NULL DEFAULT 'EUR',
  status VARCHAR(20) NOT NULL DEFAULT 'new',
  region VARCHAR(32),
  note VARCHAR(255),
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  shipped_at DATETIME NULL,
  KEY idx_user (user_id),
  KEY idx_created (created_at),
  KEY idx_user_status (user_id, status)
) ENGINE=InnoDB;

CREATE TABLE order_items (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  qty INT NOT NULL DEFAULT 1,
  price DECIMAL(12,2) NOT NULL DEFAULT 0,
  discount DECIMAL(5,2) NOT NULL DEFAULT 0,
  KEY idx_order (order_id),
  KEY idx_product (product_id)
) ENGINE=InnoDB;

CREATE TABLE products (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sku VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  price DECIMAL(12,2) NOT NULL DEFAULT 0,
  category_id INT,
  stock INT NOT NULL DEFAULT 0,
  weight DOUBLE,
  tags SET('new','sale','hot','eco') NOT NULL DEFAULT '',
  kind ENUM('physical','digital','service') NOT NULL DEFAULT 'physical',
  description TEXT,
  attrs LONGTEXT,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY uk_sku (sku),
  KEY idx_category (category_id),
  KEY idx_price (price)
) ENGINE=InnoDB;

CREATE TABLE categories (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id INT NULL,
  name VARCHAR(100) NOT NULL,
  depth INT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

CREATE TABLE accounts (
  id BIGINT NOT NULL PRIMARY KEY,
  owner VARCHAR(100) NOT NULL,
  balance DECIMAL(14,2) NOT NULL DEFAULT 0,
  version INT NOT NULL DEFAULT 0,
  updated_at DATETIME NULL
) ENGINE=InnoDB;

CREATE TABLE events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT,
  type VARCHAR(32) NOT NULL,
  payload LONGTEXT,
  ts DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  ip VARBINARY(16),
  KEY idx_user_ts (user_id, ts)
) ENGINE=InnoDB;

CREATE TABLE logs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  level VARCHAR(10) NOT NULL,
  message TEXT,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE log_archive (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, level VARCHAR(10) NOT NULL, message TEXT) ENGINE=MyISAM;

CREATE TABLE sessions (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  token VARBINARY(32),
  expires_at DATETIME NOT NULL
) ENGINE=InnoDB;

CREATE TABLE audit (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_name VARCHAR(64) NOT NULL,
  op CHAR(1) NOT NULL,
  row_id BIGINT NOT NULL,
  at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE archive_orders LIKE orders;

CREATE TABLE sbtest1 (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  k INT NOT NULL DEFAULT 0,
  c CHAR(120) NOT NULL DEFAULT '',
  pad CHAR(60) NOT NULL DEFAULT '',
  KEY k_1 (k)
) ENGINE=InnoDB;
CREATE TABLE sbtest2 LIKE sbtest1;

CREATE TABLE t1 (id INT NOT NULL PRIMARY KEY, a INT, b INT, c VARCHAR(50), d DATE, e DOUBLE, KEY ia (a), KEY ib (b));
CREATE TABLE t2 LIKE t1;
CREATE TABLE t3 LIKE t1;
CREATE TABLE parted (id INT NOT NULL PRIMARY KEY, v INT) PARTITION BY HASH (id) PARTITIONS 4;

-- Reserved words and odd characters as names, for the quoting cases.
CREATE TABLE `order` (`id` INT NOT NULL PRIMARY KEY, `select` INT, `from` VARCHAR(20), `key` INT, `weird col` INT, `back``tick` INT);
CREATE TABLE `my-table` (id INT NOT NULL PRIMARY KEY, `status` INT, `name` VARCHAR(20), `date` DATE, `timestamp` DATETIME);

CREATE TABLE analytics.daily_sales (
  day DATE NOT NULL,
  region VARCHAR(32) NOT NULL,
  revenue DECIMAL(14,2) NOT NULL DEFAULT 0,
  orders_count INT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, region)
);
CREATE TABLE analytics.user_stats (
  user_id BIGINT NOT NULL PRIMARY KEY,
  orders_count INT NOT NULL DEFAULT 0,
  total DECIMAL(14,2) NOT NULL DEFAULT 0,
  last_order_at DATETIME NULL
);

CREATE SEQUENCE seq_x;
CREATE VIEW active_users AS SELECT id, name, email FROM users WHERE status = 'active';

DELIMITER //
CREATE PROCEDURE refresh_stats(IN p_user BIGINT) BEGIN SELECT p_user; END//
CREATE PROCEDURE noop() BEGIN END//
CREATE FUNCTION shard_of(p_id BIGINT) RETURNS INT DETERMINISTIC RETURN p_id % 16//
DELIMITER ;

CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app';
CREATE USER IF NOT EXISTS 'report'@'localhost';
CREATE ROLE IF NOT EXISTS reader;
GRANT reader TO 'sluice'@'127.0.0.1', 'app'@'%';
