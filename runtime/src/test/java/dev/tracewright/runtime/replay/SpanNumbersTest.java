package dev.tracewright.runtime.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, item 5: times and token counts out of range are refused as a trace is read, naming the
 * span and field. Before, a token count of 1e30 was cut to Long.MAX_VALUE without a word, an end
 * before its start was taken as it was, and times centuries apart overflowed later (an
 * ArithmeticException from the trace's duration, an internal error in {@code tracewright diff}).
 */
@Timeout(120)
class SpanNumbersTest {
  static final String TRACE = "0123456789abcdef0123456789abcdef";
  static final String RANGE = "a whole number between 0 and 9223372036854775807";

  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  /** One span line as the exporter writes it, {@code extra} fields replacing or adding to its own. */
  static String line(String spanId, String parent, String name, String start, String end, String extra) {
    return "{\"trace_id\":\"" + TRACE + "\",\"span_id\":\"" + spanId + "\",\"parent_span_id\":" + (parent == null ? "null" : "\"" + parent + "\"")
        + ",\"name\":\"" + name + "\",\"kind\":\"TOOL\",\"status\":\"OK\",\"start_time\":\"" + start + "\",\"end_time\":\"" + end + "\""
        + ",\"duration_ms\":1000.0" + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  static String line(String extra) {
    return line("0000000000000007", null, "search", "2026-11-23T10:00:00Z", "2026-11-23T10:00:01Z", extra);
  }

  private String refused(String... lines) throws Exception {
    Path file = Files.writeString(dir.resolve("trace.jsonl"), String.join("\n", lines) + "\n");
    return assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(file)).getMessage()
        .replace(file.toString(), "FILE");
  }

  private RecordedTrace read(String... lines) throws Exception {
    return RecordedTrace.fromFile(Files.writeString(dir.resolve("trace.jsonl"), String.join("\n", lines) + "\n"));
  }

  @Test
  void tokenCountsAreWholeNumbersThatFitInALong() throws Exception {
    assertEquals("FILE:1: span 0000000000000007 (search): input_tokens 1.0E30 is not " + RANGE, refused(line("\"input_tokens\":1e30")));
    assertEquals("FILE:1: span 0000000000000007 (search): output_tokens -1 is not " + RANGE, refused(line("\"output_tokens\":-1")));
    assertEquals("FILE:1: span 0000000000000007 (search): input_tokens 1.5 is not " + RANGE, refused(line("\"input_tokens\":1.5")));
    assertEquals("FILE:1: span 0000000000000007 (search): input_tokens \"12\" is not " + RANGE, refused(line("\"input_tokens\":\"12\"")));
    assertEquals("FILE:1: span 0000000000000007 (search): input_tokens 9223372036854775808 is not " + RANGE,
        refused(line("\"input_tokens\":9223372036854775808")));

    assertEquals(Long.MAX_VALUE, read(line("\"input_tokens\":9223372036854775807")).spans().get(0).inputTokens());
    RecordedSpan most = read(line("\"input_tokens\":9223372036854774807,\"output_tokens\":1e3")).spans().get(0);
    assertEquals(1000L, most.outputTokens(), "1e3 is a whole number");
    assertEquals(Long.MAX_VALUE, most.totalTokens());
    assertEquals(null, read(line("\"input_tokens\":null")).spans().get(0).inputTokens());

    // Each count fits, but not the trace's total, which diff and its totals add up.
    assertEquals("FILE:2: span 0000000000000008 (search): output_tokens 1 takes the trace's tokens past 9223372036854775807",
        refused(line("\"input_tokens\":9223372036854775807"),
            line("0000000000000008", "0000000000000007", "search", "2026-11-23T10:00:00Z", "2026-11-23T10:00:01Z", "\"output_tokens\":1")));
  }

  @Test
  void timesLieBetween1970And2262AndASpanEndsAfterItStarts() throws Exception {
    String range = "is outside 1970-01-01T00:00:00Z..2262-04-11T23:47:16.854775807Z (epoch nanoseconds in a long, as recorded)";
    assertEquals("FILE:1: span 0000000000000007 (search): start_time -1000000000-01-01T00:00:00Z " + range,
        refused(line("0000000000000007", null, "search", "-1000000000-01-01T00:00:00Z", "2026-11-23T10:00:01Z", "")));
    assertEquals("FILE:1: span 0000000000000007 (search): end_time +1000000000-12-31T23:59:59.999999999Z " + range,
        refused(line("0000000000000007", null, "search", "2026-11-23T10:00:00Z", "+1000000000-12-31T23:59:59.999999999Z", "")));
    assertEquals("FILE:1: span 0000000000000007 (search): end_time 2026-11-23T09:59:59Z is before start_time 2026-11-23T10:00:00Z",
        refused(line("0000000000000007", null, "search", "2026-11-23T10:00:00Z", "2026-11-23T09:59:59Z", "")));
    assertEquals("FILE:1: span 0000000000000007 (search): duration_ms -1.0 is not a finite number of milliseconds, 0 or more",
        refused(line("\"duration_ms\":-1.0")));
    assertEquals("FILE:1: span 0000000000000007 (search): duration_ms \"long\" is not a finite number of milliseconds, 0 or more",
        refused(line("\"duration_ms\":\"long\"")));
    assertEquals("FILE:1: span 0000000000000007 (search): event 0 time 1969-12-31T23:59:59Z " + range,
        refused(line("\"events\":[{\"seq\":0,\"time\":\"1969-12-31T23:59:59Z\",\"name\":\"retry\"}]")));

    // Two roots at either end of the range: the trace's duration (first start to last end) fits.
    RecordedTrace widest = read(
        line("0000000000000007", null, "search", "1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z", ""),
        line("0000000000000008", null, "search", "2262-04-11T23:47:16Z", "2262-04-11T23:47:16.854775807Z", ""));
    assertEquals(Long.MAX_VALUE / 1e6, widest.durationMs(), 1);
  }

  @Test
  void theDatabaseReaderRefusesTheSameValues() throws Exception {
    TracedCall.Site search = TracedCall.site(SpanNumbersTest.class, "search", SpanKind.TOOL, "search");
    Path base = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).capturePolicy(CapturePolicy.METADATA_ONLY).build());
    TracedCall call = search.begin();
    Tracewright.current().tokens(10, 2);
    call.returned();
    Tracewright.shutdown(Duration.ofSeconds(30));
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, true), "sa", ""); Statement st = c.createStatement()) {
      String traceId;
      String spanId;
      try (ResultSet rs = st.executeQuery("SELECT trace_id, span_id FROM spans")) {
        rs.next();
        traceId = rs.getString(1);
        spanId = rs.getString(2);
      }
      String where = "trace " + traceId + ": span " + spanId + " (search): ";
      st.executeUpdate("UPDATE spans SET input_tokens = -5");
      assertEquals(where + "input_tokens -5 is not " + RANGE,
          assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromDatabase(c, traceId)).getMessage());
      st.executeUpdate("UPDATE spans SET input_tokens = 10, end_time = start_time - INTERVAL '1' SECOND");
      String message = assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromDatabase(c, traceId)).getMessage();
      assertEquals(true, message.startsWith(where + "end_time ") && message.contains(" is before start_time "), message);
      st.executeUpdate("UPDATE spans SET start_time = TIMESTAMP WITH TIME ZONE '1000-01-01 00:00:00Z'");
      assertEquals(where + "start_time 1000-01-01T00:00:00Z is outside 1970-01-01T00:00:00Z..2262-04-11T23:47:16.854775807Z"
          + " (epoch nanoseconds in a long, as recorded)",
          assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromDatabase(c, traceId)).getMessage());
    }
  }
}
