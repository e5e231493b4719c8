package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5/§8: two processes on one database (H2 AUTO_SERVER). Pairs of real JVMs start and stop on
 * the same file, so one keeps handing the database over to the other while it writes.
 */
@Timeout(600)
class TwoProcessTest {
  private static final int ROUNDS = 8;
  private static final int TRACES = 300;

  @TempDir Path dir;

  private static Process child(Path db, String tag) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), TwoProcessChild.class.getName(), db.toString(), tag, String.valueOf(TRACES))
        .redirectErrorStream(true)
        .start();
  }

  @Test
  void everyFlushedSpanIsThereAndFlushNeverSaysTrueWhileSpansWereLost() throws Exception {
    Path db = dir.resolve("shared");
    List<String> tags = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<Process> pair = new ArrayList<>();
      for (String side : new String[] {"a", "b"}) {
        String tag = "r" + round + side;
        tags.add(tag);
        pair.add(child(db, tag));
        if (round % 2 == 1) {
          Thread.sleep(150 * round / 2); // stagger some pairs: the second opens while the first writes or closes
        }
      }
      for (Process p : pair) {
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String flush = output.lines().filter(l -> l.startsWith("FLUSH ")).findFirst().orElse(null);
        assertNotNull(flush, output);
        lines.add(flush);
      }
    }
    int flushedTrue = 0;
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "");
        PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM spans WHERE name = ?")) {
      for (int i = 0; i < tags.size(); i++) {
        count.setString(1, tags.get(i));
        long stored;
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          stored = rs.getLong(1);
        }
        String[] flush = lines.get(i).split(" ");
        long persisted = Long.parseLong(flush[2]);
        assertTrue(stored >= persisted, "persisted counts only what reached the file: " + lines.get(i) + ", stored " + stored);
        if (flush[1].equals("true")) {
          flushedTrue++;
          assertTrue(lines.get(i).contains("dropped=0,") && lines.get(i).contains("failed=0,"),
              "flush said true although the process counted lost spans: " + lines.get(i));
          assertEquals(TRACES * 3L, stored, "flush said true, so every span of " + tags.get(i) + " is there: " + lines.get(i));
        }
      }
    }
    assertEquals(tags.size(), flushedTrue, "each process waited for the hand-over instead of losing spans: " + lines);
  }
}
