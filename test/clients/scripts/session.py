"""The matrix scenario (test/clients/scenario.ts) for PyMySQL and mysqlclient (MySQLdb).

usage: session.py pymysql|mysqldb PORT USER PASSWORD DATABASE BASE
Both drivers interpolate parameters themselves (text protocol) and run with autocommit off, their
default, so every write is followed by commit() or rollback().
"""
import datetime
import decimal
import sys

driver, port, user, password, database, base = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
if driver == 'pymysql':
    import pymysql as db
    conn = db.connect(host='127.0.0.1', port=port, user=user, password=password, database=database, charset='utf8mb4')
else:
    import MySQLdb as db
    conn = db.connect(host='127.0.0.1', port=port, user=user, passwd=password, db=database, charset='utf8mb4')

CANONICAL = ("SELECT id, CONCAT_WS('|', id, IFNULL(i,'N'), IFNULL(d,'N'), IFNULL(f,'N'), IFNULL(s,'N'), IFNULL(dt,'N'), "
             "IFNULL(HEX(b),'N'), IFNULL(n,'N')) AS v FROM typed WHERE id IN (%s, %s) ORDER BY id")
LARGE_LEN = 3 * 1024 * 1024 + 7


def rows(sql, params=None):
    cur = conn.cursor()
    cur.execute(sql, params)
    out = cur.fetchall()
    cur.close()
    return out


def cell(v):
    if v is None:
        return 'NULL'
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    return str(v)


def say(step, value):
    sys.stdout.write(f'{step} {value}\n')
    sys.stdout.flush()


say('text', ','.join(f'{i}:{name}' for i, name in rows('SELECT id, name FROM items ORDER BY id')))

insert = 'INSERT INTO typed (id, i, d, f, s, dt, b, n) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)'
rows(insert, (base + 1, 9007199254740993, decimal.Decimal('12345.67'), 2.5, 'žluť 🐟',
              datetime.datetime(2024, 2, 29, 13, 14, 15, 250000), b'\x00\xff\x10', 7))
rows(insert, (base + 2, None, None, None, None, None, None, None))
conn.commit()
say('prepared-stored', ';'.join(v for _, v in rows(CANONICAL, (base + 1, base + 2))))
decoded = rows('SELECT i, d, s, b, n FROM typed WHERE id IN (%s, %s) ORDER BY id', (base + 1, base + 2))
say('prepared-decoded', ';'.join('|'.join(cell(v) for v in row) for row in decoded))

rows('INSERT INTO typed (id, s) VALUES (%s, %s)', (base + 3, 'tx'))
inside = rows('SELECT COUNT(*) FROM typed WHERE id = %s', (base + 3,))[0][0]
conn.rollback()
after = rows('SELECT COUNT(*) FROM typed WHERE id = %s', (base + 3,))[0][0]
say('transaction', f'{inside},{after}')

errno = 'none'
try:
    rows('SELECT * FROM no_such_table')
except db.MySQLError as e:
    errno = e.args[0]
say('error', f"{errno},{rows('SELECT 42')[0][0]}")

large = b'A' + b'x' * (LARGE_LEN - 2) + b'Z'
rows('INSERT INTO typed (id, big) VALUES (%s, %s)', (base + 4, large))
conn.commit()
length, md5, back = rows('SELECT LENGTH(big), MD5(big), big FROM typed WHERE id = %s', (base + 4,))[0]
say('large', f"{length}:{md5}:{'same' if bytes(back) == large else 'differs'}")
conn.close()
