// Connector/J's executeBatch with server-side prepared statements: the driver pipelines the rows'
// COM_STMT_EXECUTEs (and each row's stream parameter as COM_STMT_SEND_LONG_DATA) without waiting for
// answers. Inserts ROWS rows of the matrix's `typed` table from id BASE+1, reads them back, deletes
// them with a second batch, and prints `batch INSERTED:SAME_ROWS:DELETED`.
// usage: java -cp mariadb-java-client.jar:DIR Batch PORT USER PASSWORD DATABASE BASE
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.*;
import java.util.Arrays;

public class Batch {
  static final int ROWS = 40;

  static byte[] blob(int id) {
    byte[] b = new byte[1000 + id * 37];
    for (int k = 0; k < b.length; k++) b[k] = (byte) (id * 31 + k);
    return b;
  }

  static int sum(int[] counts) {
    int n = 0;
    for (int c : counts) n += c == Statement.SUCCESS_NO_INFO ? 1 : c;
    return n;
  }

  public static void main(String[] a) throws Exception {
    int base = Integer.parseInt(a[4]);
    String url = "jdbc:mariadb://127.0.0.1:" + a[0] + "/" + a[3] + "?useServerPrepStmts=true&useSsl=false";
    try (Connection c = DriverManager.getConnection(url, a[1], a[2])) {
      int inserted;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO typed (id, s, big) VALUES (?, ?, ?)")) {
        for (int id = base + 1; id <= base + ROWS; id++) {
          ps.setInt(1, id);
          ps.setString(2, "row " + id);
          ps.setBinaryStream(3, new ByteArrayInputStream(blob(id)));
          ps.addBatch();
        }
        inserted = sum(ps.executeBatch());
      }
      int same = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT id, s, big FROM typed WHERE id BETWEEN ? AND ? ORDER BY id")) {
        ps.setInt(1, base + 1);
        ps.setInt(2, base + ROWS);
        try (ResultSet rs = ps.executeQuery()) {
          for (int id = base + 1; rs.next(); id++) {
            if (rs.getInt(1) == id && ("row " + id).equals(rs.getString(2)) && Arrays.equals(rs.getBytes(3), blob(id))) same++;
          }
        }
      }
      int deleted;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM typed WHERE id = ?")) {
        for (int id = base + 1; id <= base + ROWS; id++) {
          ps.setInt(1, id);
          ps.addBatch();
        }
        deleted = sum(ps.executeBatch());
      }
      System.out.println("batch " + inserted + ":" + same + ":" + deleted);
    }
  }
}
