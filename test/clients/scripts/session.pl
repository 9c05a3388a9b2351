#!/usr/bin/perl
# The matrix scenario (test/clients/scenario.ts) for Perl DBI with DBD::MariaDB.
# usage: session.pl PORT USER PASSWORD DATABASE BASE SERVER_PREPARE(1|0)
use strict;
use warnings;
use utf8;
use DBI qw(:sql_types);

my ($port, $user, $password, $database, $base, $server_prepare) = @ARGV;
binmode STDOUT, ':encoding(UTF-8)';
$| = 1;
my $dbh = DBI->connect("DBI:MariaDB:database=$database;host=127.0.0.1;port=$port", $user, $password,
  { RaiseError => 1, PrintError => 0, AutoCommit => 1, mariadb_server_prepare => $server_prepare });

my $CANONICAL = "SELECT id, CONCAT_WS('|', id, IFNULL(i,'N'), IFNULL(d,'N'), IFNULL(f,'N'), IFNULL(s,'N'), IFNULL(dt,'N'), "
  . "IFNULL(HEX(b),'N'), IFNULL(n,'N')) AS v FROM typed WHERE id IN (?, ?) ORDER BY id";
my $LARGE_LEN = 3 * 1024 * 1024 + 7;

# Runs one statement; each parameter is a value or [value, SQL type]. Returns the rows (none for DML).
sub rows {
  my ($sql, @params) = @_;
  my $sth = $dbh->prepare($sql);
  for my $k (0 .. $#params) {
    my $p = $params[$k];
    if (ref $p eq 'ARRAY') { $sth->bind_param($k + 1, $p->[0], $p->[1]) } else { $sth->bind_param($k + 1, $p) }
  }
  $sth->execute;
  my $out = $sth->{NUM_OF_FIELDS} ? $sth->fetchall_arrayref : [];
  $sth->finish;
  return $out;
}

sub say_step { print "$_[0] $_[1]\n" }

say_step('text', join(',', map { "$_->[0]:$_->[1]" } @{ rows('SELECT id, name FROM items ORDER BY id') }));

my $insert = 'INSERT INTO typed (id, i, d, f, s, dt, b, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
rows($insert, [$base + 1, SQL_INTEGER], ['9007199254740993', SQL_BIGINT], ['12345.67', SQL_DECIMAL], [2.5, SQL_DOUBLE],
  'žluť 🐟', '2024-02-29 13:14:15.250', ["\x00\xff\x10", SQL_BLOB], [7, SQL_INTEGER]);
rows($insert, [$base + 2, SQL_INTEGER], undef, undef, undef, undef, undef, [undef, SQL_BLOB], undef);
say_step('prepared-stored', join(';', map { $_->[1] } @{ rows($CANONICAL, [$base + 1, SQL_INTEGER], [$base + 2, SQL_INTEGER]) }));
my $decoded = rows('SELECT i, d, s, b, n FROM typed WHERE id IN (?, ?) ORDER BY id', [$base + 1, SQL_INTEGER], [$base + 2, SQL_INTEGER]);
for my $row (@$decoded) { $row->[3] = unpack('H*', $row->[3]) if defined $row->[3] }
say_step('prepared-decoded', join(';', map { join('|', map { defined $_ ? $_ : 'NULL' } @$_) } @$decoded));

$dbh->begin_work;
rows('INSERT INTO typed (id, s) VALUES (?, ?)', [$base + 3, SQL_INTEGER], 'tx');
my $inside = rows('SELECT COUNT(*) FROM typed WHERE id = ?', [$base + 3, SQL_INTEGER])->[0][0];
$dbh->rollback;
my $after = rows('SELECT COUNT(*) FROM typed WHERE id = ?', [$base + 3, SQL_INTEGER])->[0][0];
say_step('transaction', "$inside,$after");

my $errno = 'none';
eval { rows('SELECT * FROM no_such_table'); 1 } or $errno = $dbh->err;
say_step('error', "$errno," . rows('SELECT 42')->[0][0]);

my $large = 'A' . ('x' x ($LARGE_LEN - 2)) . 'Z';
rows('INSERT INTO typed (id, big) VALUES (?, ?)', [$base + 4, SQL_INTEGER], [$large, SQL_BLOB]);
my ($len, $md5, $back) = @{ rows('SELECT LENGTH(big), MD5(big), big FROM typed WHERE id = ?', [$base + 4, SQL_INTEGER])->[0] };
say_step('large', "$len:$md5:" . ($back eq $large ? 'same' : 'differs'));
$dbh->disconnect;
