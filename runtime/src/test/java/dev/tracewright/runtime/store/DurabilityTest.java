package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §8: flush() means durable, through a real kill -9 of a real JVM. */
@Timeout(180)
class DurabilityTest {
  @TempDir Path dir;

  private static Process child(String mode, Path db, int traces) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), mode, db.toString(), String.valueOf(traces))
        .redirectErrorStream(true)
        .start();
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void everythingFlushedSurvivesKillMinusNineAndTheFileReopensAsIs() throws Exception {
    Path db = dir.resolve("traces");
    Process p = child("kill", db, 200);
    String marker = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("FLUSHED") || line.startsWith("FLUSH TIMED OUT")) {
          marker = line;
          break;
        }
      }
      Thread.sleep(20); // the child is writing unflushed batches now: the kill lands mid-write
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals("FLUSHED 1000", marker);

    // No lock cleanup: the stale lock file (and AUTO_SERVER address) from the dead JVM is still there.
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "")) {
      assertEquals(1000, count(c, "SELECT COUNT(*) FROM spans WHERE name LIKE 'flushed%'"));
      assertEquals(200, count(c, "SELECT COUNT(*) FROM traces WHERE name = 'flushed'"));
      assertEquals(0, count(c, "SELECT COUNT(*) FROM traces t WHERE t.span_count <> (SELECT COUNT(*) FROM spans s WHERE s.trace_id = t.trace_id)"),
          "every complete trace has all its spans");
      // Batches are atomic: no event or blob reference without what it belongs to.
      assertEquals(0, count(c, "SELECT COUNT(*) FROM span_events e WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.span_id = e.span_id)"));
      assertEquals(0, count(c, "SELECT COUNT(*) FROM spans s WHERE s.output_ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = s.output_ref)"));
      assertEquals(count(c, "SELECT COUNT(*) FROM spans WHERE name LIKE '%-child'"),
          count(c, "SELECT COUNT(*) FROM span_events"), "one event per child span");
    }
  }

  @Test
  void normalExitWithoutFlushPersistsEverythingThroughTheShutdownHook() throws Exception {
    Path db = dir.resolve("exit");
    Process p = child("exit", db, 2_000);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "")) {
      assertEquals(10_000, count(c, "SELECT COUNT(*) FROM spans"), output);
      assertEquals(2_000, count(c, "SELECT COUNT(*) FROM traces"));
    }
  }
}
