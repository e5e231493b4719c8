package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: a file H2 cannot use any more must not stop recording for ever. Before, a file that
 * had lost its tables (what the reported kill -9 runs left: SPANS and TRACES gone) made every
 * later batch fail, and a corrupt one made every connection fail; flush() stayed false.
 */
class DamagedFileTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void aFileThatLostItsTablesIsMovedAsideAndANewOneRecords() throws Exception {
    Path base = dir.resolve("traces");
    record(base, "before");
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, true), "sa", "");
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE spans CASCADE");
      st.execute("DROP TABLE traces CASCADE");
    }

    record(base, "after");

    Path aside = onlyDamagedFile();
    assertEquals(List.of("after"), rootNames(base), "the new file records");
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(aside, false, true), "sa", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM blobs")) {
      rs.next();
      assertTrue(rs.getLong(1) > 0, "the damaged file is kept as it was, for H2's Recover tool");
    }
  }

  @Test
  void aCorruptFileIsMovedAsideUntouchedAndANewOneRecords() throws Exception {
    Path base = dir.resolve("traces");
    record(base, "before");
    Path data = H2Store.dataFile(base);
    byte[] garbage = new byte[(int) Files.size(data)];
    new Random(20).nextBytes(garbage);
    Files.write(data, garbage);

    record(base, "after");

    assertArrayEquals(garbage, Files.readAllBytes(onlyDamagedFile()), "moved, not changed");
    assertEquals(List.of("after"), rootNames(base));
  }

  @Test
  void aHealthyFileIsNotMoved() throws Exception {
    Path base = dir.resolve("traces");
    record(base, "before");
    record(base, "after");
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("damaged")));
    }
    assertEquals(List.of("after", "before"), rootNames(base));
  }

  private static void record(Path base, String name) {
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).input("question", name + "?").start()) {
      Tracewright.span("search", SpanKind.TOOL).input("query", name).start().close();
    }
    assertTrue(Tracewright.flush(), "recorded: " + Tracewright.stats());
    Tracewright.shutdown();
  }

  private Path onlyDamagedFile() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> damaged = files.filter(p -> p.getFileName().toString().matches("traces\\.damaged-\\d{8}T\\d{6}Z\\.mv\\.db")).toList();
      assertEquals(1, damaged.size(), "one damaged file kept aside: " + damaged);
      return damaged.get(0);
    }
  }

  private static List<String> rootNames(Path base) throws Exception {
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, true), "sa", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT name FROM traces ORDER BY name")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }
}
