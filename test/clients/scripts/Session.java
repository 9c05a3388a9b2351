// The matrix scenario (test/clients/scenario.ts) for MariaDB Connector/J.
// usage: java -cp mariadb-java-client.jar:DIR Session PORT USER PASSWORD DATABASE BASE SERVER_PREPARE(true|false)
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class Session {
  static final String CANONICAL = "SELECT id, CONCAT_WS('|', id, IFNULL(i,'N'), IFNULL(d,'N'), IFNULL(f,'N'), IFNULL(s,'N'), IFNULL(dt,'N'), "
      + "IFNULL(HEX(b),'N'), IFNULL(n,'N')) AS v FROM typed WHERE id IN (?, ?) ORDER BY id";
  static final int LARGE_LEN = 3 * 1024 * 1024 + 7;
  static PrintStream out;

  static List<List<Object>> rows(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int k = 0; k < params.length; k++) {
        Object p = params[k];
        if (p instanceof Integer) ps.setInt(k + 1, (Integer) p);
        else if (p instanceof int[]) ps.setNull(k + 1, ((int[]) p)[0]); // a typed NULL
        else ps.setObject(k + 1, p);
      }
      List<List<Object>> result = new ArrayList<>();
      if (!ps.execute()) return result;
      try (ResultSet rs = ps.getResultSet()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int k = 1; k <= n; k++) row.add(rs.getObject(k));
          result.add(row);
        }
      }
      return result;
    }
  }

  static String cell(Object v) {
    if (v == null) return "NULL";
    if (v instanceof byte[]) {
      StringBuilder sb = new StringBuilder();
      for (byte x : (byte[]) v) sb.append(String.format("%02x", x));
      return sb.toString();
    }
    if (v instanceof BigDecimal) return ((BigDecimal) v).toPlainString();
    return v.toString();
  }

  static void say(String step, String value) {
    out.println(step + " " + value);
  }

  public static void main(String[] a) throws Exception {
    out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    int base = Integer.parseInt(a[4]);
    String url = "jdbc:mariadb://127.0.0.1:" + a[0] + "/" + a[3] + "?useServerPrepStmts=" + a[5] + "&useSsl=false";
    try (Connection c = DriverManager.getConnection(url, a[1], a[2])) {
      StringBuilder text = new StringBuilder();
      for (List<Object> r : rows(c, "SELECT id, name FROM items ORDER BY id")) text.append(text.length() > 0 ? "," : "").append(r.get(0)).append(":").append(r.get(1));
      say("text", text.toString());

      String insert = "INSERT INTO typed (id, i, d, f, s, dt, b, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
      rows(c, insert, base + 1, 9007199254740993L, new BigDecimal("12345.67"), 2.5d, "žluť 🐟",
          Timestamp.valueOf("2024-02-29 13:14:15.25"), new byte[] {0x00, (byte) 0xff, 0x10}, 7);
      rows(c, insert, base + 2, new int[] {Types.BIGINT}, new int[] {Types.DECIMAL}, new int[] {Types.DOUBLE}, new int[] {Types.VARCHAR},
          new int[] {Types.TIMESTAMP}, new int[] {Types.BLOB}, new int[] {Types.INTEGER});
      List<String> stored = new ArrayList<>();
      for (List<Object> r : rows(c, CANONICAL, base + 1, base + 2)) stored.add(cell(r.get(1)));
      say("prepared-stored", String.join(";", stored));
      List<String> decoded = new ArrayList<>();
      for (List<Object> r : rows(c, "SELECT i, d, s, b, n FROM typed WHERE id IN (?, ?) ORDER BY id", base + 1, base + 2)) {
        List<String> cells = new ArrayList<>();
        for (Object v : r) cells.add(cell(v));
        decoded.add(String.join("|", cells));
      }
      say("prepared-decoded", String.join(";", decoded));

      c.setAutoCommit(false);
      rows(c, "INSERT INTO typed (id, s) VALUES (?, ?)", base + 3, "tx");
      Object inside = rows(c, "SELECT COUNT(*) FROM typed WHERE id = ?", base + 3).get(0).get(0);
      c.rollback();
      c.setAutoCommit(true);
      Object after = rows(c, "SELECT COUNT(*) FROM typed WHERE id = ?", base + 3).get(0).get(0);
      say("transaction", inside + "," + after);

      String errno = "none";
      try {
        rows(c, "SELECT * FROM no_such_table");
      } catch (SQLException e) {
        errno = String.valueOf(e.getErrorCode());
      }
      say("error", errno + "," + rows(c, "SELECT 42").get(0).get(0));

      byte[] large = new byte[LARGE_LEN];
      Arrays.fill(large, (byte) 'x');
      large[0] = 'A';
      large[LARGE_LEN - 1] = 'Z';
      rows(c, "INSERT INTO typed (id, big) VALUES (?, ?)", base + 4, large);
      List<Object> back = rows(c, "SELECT LENGTH(big), MD5(big), big FROM typed WHERE id = ?", base + 4).get(0);
      say("large", back.get(0) + ":" + back.get(1) + ":" + (Arrays.equals((byte[]) back.get(2), large) ? "same" : "differs"));
    }
  }
}
