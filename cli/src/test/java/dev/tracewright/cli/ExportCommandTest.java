package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.export.ExportTest;
import dev.tracewright.runtime.export.OtlpParsing;
import dev.tracewright.runtime.replay.RecordedContent;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.Schema;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracewright export} on databases the runtime wrote; every document parsed with the official OTLP classes. */
@Timeout(120)
class ExportCommandTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void cliExportsOtlpAndJsonlFromTheDatabase() throws Exception {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).serviceName("from-db").build());
    ExportTest.recordRun();
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TracewrightCli.run(new String[] {"export", "--format", "otlp", "--db", db.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    ExportTraceServiceRequest request = OtlpParsing.parse(out.toString(StandardCharsets.UTF_8));
    assertEquals(1, request.getResourceSpansCount());
    assertEquals("from-db", OtlpParsing.attributes(request.getResourceSpans(0).getResource().getAttributesList()).get("service.name"));
    List<Span> spans = request.getResourceSpans(0).getScopeSpans(0).getSpansList();
    assertEquals(4, spans.size());
    Span chat = spans.stream().filter(s -> s.getName().equals("chat gpt-4o")).findFirst().orElseThrow();
    assertEquals("{\"prompt\":\"summarize\"}", OtlpParsing.attributes(chat.getAttributesList()).get("input.value"),
        "the stored capture policy decides, also when exporting from the database");
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("private question"));

    Path file = dir.resolve("spans.jsonl");
    exit = TracewrightCli.run(new String[] {"export", "--format", "jsonl", "-o", file.toString(), "--since", "1h", "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit);
    assertEquals(4, Files.readAllLines(file).size());

    ByteArrayOutputStream badErr = new ByteArrayOutputStream();
    exit = TracewrightCli.run(new String[] {"export", "--format", "zipkin", "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(badErr, true, StandardCharsets.UTF_8));
    assertEquals(2, exit);
    assertTrue(badErr.toString(StandardCharsets.UTF_8).contains("Invalid value for option '--format'"), badErr.toString(StandardCharsets.UTF_8));
    badErr.reset();
    exit = TracewrightCli.run(new String[] {"export", "--format", "otlp", "-o", dir.resolve("missing/dir/x.json").toString(), "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(badErr, true, StandardCharsets.UTF_8));
    assertEquals(2, exit);
    assertEquals(1, badErr.toString(StandardCharsets.UTF_8).lines().count(), badErr.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(dir.resolve("missing")));
  }

  @Test
  void jsonlWithContentIsWhatReplayAndDiffReadBack() throws Exception {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    ExportTest.recordRun();
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    Path bare = dir.resolve("bare.jsonl");
    Path full = dir.resolve("full.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(0, TracewrightCli.run(new String[] {"export", "--format", "jsonl", "-o", bare.toString(), "--db", db.toString()},
        quiet, new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
    assertEquals(0, TracewrightCli.run(new String[] {"export", "--format", "jsonl", "--content", "-o", full.toString(), "--db", db.toString()},
        quiet, new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
    String bareText = Files.readString(bare);
    String fullText = Files.readString(full);
    assertFalse(bareText.contains("private question"), "FULL_LOCAL content stays out without --content");
    assertTrue(fullText.contains("private question from [REDACTED:email]"), "with --content it is written, as stored: redacted");
    assertFalse(fullText.contains("alice@example.com") || fullText.contains("sk-proj-Ab3dEf6"));

    RecordedTrace fromFile = RecordedTrace.fromFile(full);
    try (TraceDb traces = TraceDb.open(db)) {
      RecordedTrace fromDb = RecordedTrace.fromDatabase(traces.connection(), fromFile.traceId());
      assertEquals(fromDb.spans(), fromFile.spans(), "the file holds the trace exactly as the database does");
    }
    assertEquals(RecordedContent.State.FULL, fromFile.root().orElseThrow().input().state());

    ByteArrayOutputStream badErr = new ByteArrayOutputStream();
    assertEquals(2, TracewrightCli.run(new String[] {"export", "--format", "otlp", "--content", "--db", db.toString()},
        quiet, new PrintStream(badErr, true, StandardCharsets.UTF_8)));
    assertEquals("tracewright: --content is for --format jsonl (OTLP exports carry FULL_EXPORTABLE content only)",
        badErr.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void aVersionOneDatabaseIsReadByTheCli() throws Exception {
    Path base = dir.resolve("v1/traces");
    Files.createDirectories(base.getParent());
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, false), "sa", "")) {
      // A database as the first release left it: schema version 1, no capture_policy column.
      c.createStatement().execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description CHARACTER VARYING,"
          + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)");
      for (String sql : Schema.MIGRATIONS.get(0).statements()) {
        c.createStatement().execute(sql);
      }
      c.createStatement().execute("INSERT INTO schema_version(version, description) VALUES (1, 'v1')");
      c.createStatement().execute("INSERT INTO spans (span_id, trace_id, name, kind, status, start_time, end_time, duration_ms)"
          + " VALUES ('0000000000000001', '00000000000000000000000000000001', 'old', 'TOOL', 'OK', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = TracewrightCli.run(new String[] {"export", "--format", "jsonl", "--db", base.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, exit);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"old\""), out.toString(StandardCharsets.UTF_8));
  }
}
