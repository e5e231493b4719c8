package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracewright report}: the file it writes, what content goes in it, and the files it refuses. */
@Timeout(120)
class ReportCommandTest {
  static final String MARKUP = "<img src=x onerror=alert(1)></script><script>alert(2)</script>\u2028\u2029&amp;";
  /** Past the preview's length: only the full content carries the end marker. */
  static final String LONG_LOCAL = "x".repeat(40_000) + "END-OF-LOCAL";
  static final String LONG_EXPORTABLE = "y".repeat(40_000) + "END-OF-EXPORTABLE";

  @TempDir static Path dir;
  static Path db;
  static String traceId;

  @BeforeAll
  static void record() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    try (ActiveSpan root = Tracewright.span("report me", SpanKind.AGENT).start()) {
      traceId = Tracewright.current().traceId();
      try (ActiveSpan local = Tracewright.span("local", SpanKind.TOOL).input("page", MARKUP).start()) {
        local.output(LONG_LOCAL);
      }
      try (ActiveSpan shared = Tracewright.span("shared", SpanKind.TOOL).capture(CapturePolicy.FULL_EXPORTABLE).start()) {
        shared.output(LONG_EXPORTABLE);
      }
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
  }

  @AfterAll
  static void stop() {
    Tracewright.shutdown();
  }

  @Test
  void writesOneFileWhoseDataCannotEndItsScriptAndWhosePolicyAllowsOnlyItsOwnCode() throws Exception {
    Path file = dir.resolve("r1.html");
    CliTest.Result r = CliTest.run("report", traceId.substring(0, 16), "-o", file.toString(), "--db", db.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("wrote " + file.toAbsolutePath()), r.out());
    assertTrue(r.out().contains("3 spans"), r.out());
    String html = Files.readString(file);
    Matcher scripts = Pattern.compile("<script[^>]*>").matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
    }
    assertEquals(2, count, "the data block and the page's own script, nothing from the content");
    assertFalse(html.contains("<img"), "markup in the data is escaped");
    assertFalse(html.contains("\u2028") || html.contains("\u2029"), "line separators escaped");
    assertTrue(html.contains("\\u003Cimg src=x onerror=alert(1)\\u003E"), "the content is there, as JSON escapes");
    assertTrue(html.contains("content=\"default-src 'none'; script-src 'sha256-"), "a strict policy");
    assertFalse(html.contains("unsafe-inline"));
    assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "nothing loaded from anywhere");
  }

  @Test
  void fullLocalContentOnlyWithContentExportableAlways() throws Exception {
    Path plain = dir.resolve("plain.html");
    assertEquals(0, CliTest.run("report", traceId, "-o", plain.toString(), "--db", db.toString()).exit());
    String html = Files.readString(plain);
    assertFalse(html.contains("END-OF-LOCAL"), "FULL_LOCAL content stays on this machine");
    assertTrue(html.contains("END-OF-EXPORTABLE"), "FULL_EXPORTABLE content goes, as the export takes it");
    assertTrue(html.contains("xxxxxxxx"), "the previews always");

    Path full = dir.resolve("full.html");
    CliTest.Result r = CliTest.run("report", traceId, "--content", "-o", full.toString(), "--db", db.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.readString(full).contains("END-OF-LOCAL"), "asked for with --content");
  }

  @Test
  void defaultNameAndRefusals() throws Exception {
    CliTest.Result r = CliTest.run("report", traceId, "--db", db.toString());
    Path named = Path.of("trace-" + traceId.substring(0, 16) + ".html").toAbsolutePath();
    try {
      assertEquals(0, r.exit(), r.err());
      assertTrue(Files.exists(named), r.out());
    } finally {
      Files.deleteIfExists(named);
    }
    Path existing = Files.writeString(dir.resolve("exists.html"), "keep me");
    assertUsageError(CliTest.run("report", traceId, "-o", existing.toString(), "--db", db.toString()), "exists; choose a new file, or pass --force");
    assertEquals("keep me", Files.readString(existing));
    assertEquals(0, CliTest.run("report", traceId, "-o", existing.toString(), "--force", "--db", db.toString()).exit());
    assertTrue(Files.readString(existing).startsWith("<!DOCTYPE html>"));

    Path dataFile = dir.resolve("traces.mv.db");
    long size = Files.size(dataFile);
    assertUsageError(CliTest.run("report", traceId, "-o", dataFile.toString(), "--force", "--db", db.toString()), "refusing to write the report over an H2 database file");
    assertEquals(size, Files.size(dataFile));
    assertUsageError(CliTest.run("report", "ffffffffffff", "-o", dir.resolve("none.html").toString(), "--db", db.toString()), "no trace with ID starting 'ffffffffffff'");
    assertFalse(Files.exists(dir.resolve("none.html")));
    assertUsageError(CliTest.run("report", "xyz", "--db", db.toString()), "'xyz' is not a trace ID");
    assertUsageError(CliTest.run("report", traceId, "-o", dir.resolve("no/such/dir/r.html").toString(), "--db", db.toString()), "no such directory");
    assertUsageError(CliTest.run("report", traceId, "--db", dir.resolve("missing/traces").toString()), "no trace database at");
    assertUsageError(CliTest.run("report", "--db", db.toString()), "Missing required parameter: 'TRACE'");
  }

  private static void assertUsageError(CliTest.Result r, String expected) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains(expected), r.err());
  }
}
