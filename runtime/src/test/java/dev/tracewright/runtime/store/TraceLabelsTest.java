package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tracewright.tag/session/user on real H2 files: the root span's attributes, traces' columns, trace_tags, prune. */
class TraceLabelsTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private static Connection open(Path base) throws SQLException {
    return DriverManager.getConnection(H2Store.fileUrl(base, true, true), "sa", "");
  }

  private static List<List<Object>> rows(Connection c, String sql, Object... params) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributesOf(Connection c, String spanId) throws Exception {
    String json = (String) rows(c, "SELECT attributes FROM spans WHERE span_id = ?", spanId).get(0).get(0);
    return json == null ? Map.of() : new ObjectMapper().readValue(json, Map.class);
  }

  private static List<Object> tagsOf(Connection c, String traceId) throws SQLException {
    return rows(c, "SELECT tag FROM trace_tags WHERE trace_id = ? ORDER BY tag", traceId).stream().map(r -> r.get(0)).toList();
  }

  @Test
  void aTaggedTraceIsFiledUnderItsSessionUserAndTags() throws Exception {
    Path base = dir.resolve("labels/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    ExecutorService pool = Tracewright.wrap(Executors.newSingleThreadExecutor());
    String tagged;
    String rootId;
    String childId;
    try (ActiveSpan root = Tracewright.span("checkout", SpanKind.AGENT).start()) {
      tagged = root.traceId();
      rootId = root.spanId();
      Tracewright.tag("checkout", "beta");
      Tracewright.tag(" checkout ", "", "   ", null); // trimmed into a repeat, blanks and null ignored
      Tracewright.session("s-1");
      Tracewright.user("u-7");
      try (ActiveSpan child = Tracewright.span("pay", SpanKind.TOOL).start()) {
        childId = child.spanId();
        pool.submit(() -> Tracewright.tag("from-another-thread")).get(); // the same trace, on a pool thread
      }
    }
    String plain;
    try (ActiveSpan root = Tracewright.span("browse", SpanKind.AGENT).start()) {
      plain = root.traceId();
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (Connection c = open(base)) {
      assertEquals(List.of(List.of("s-1", "u-7")), rows(c, "SELECT session_id, user_id FROM traces WHERE trace_id = ?", tagged));
      assertEquals(List.of("beta", "checkout", "from-another-thread"), tagsOf(c, tagged));
      Map<String, Object> root = attributesOf(c, rootId);
      assertEquals("s-1", root.get("session.id"));
      assertEquals("u-7", root.get("user.id"));
      assertEquals(List.of("checkout", "beta", "from-another-thread"), root.get("tag.tags"), "in the order given, as a list");
      Map<String, Object> child = attributesOf(c, childId);
      assertFalse(child.containsKey("session.id") || child.containsKey("tag.tags"), "only the root carries them: " + child);

      assertEquals(Arrays.asList(null, null), rows(c, "SELECT session_id, user_id FROM traces WHERE trace_id = ?", plain).get(0));
      assertEquals(List.of(), tagsOf(c, plain));
      assertEquals(List.of(List.of(tagged)), rows(c, "SELECT trace_id FROM traces WHERE session_id = 's-1'"));
      assertEquals(List.of(List.of(tagged)), rows(c, "SELECT trace_id FROM traces WHERE user_id = 'u-7'"));
    }
  }

  @Test
  void theConversationIsTheSessionUnlessOneIsGiven() throws Exception {
    Path base = dir.resolve("conversation/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String fromConversation;
    String rootId;
    try (ActiveSpan root = Tracewright.span("chat", SpanKind.AGENT).start()) {
      fromConversation = root.traceId();
      rootId = root.spanId();
      Tracewright.conversation("conv-9").close(); // what the LangChain4j and Spring AI integrations do with a memory ID
    }
    String given;
    try (ActiveSpan root = Tracewright.span("chat", SpanKind.AGENT).start()) {
      given = root.traceId();
      Tracewright.conversation("conv-9").close();
      Tracewright.session("s-2");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (Connection c = open(base)) {
      assertEquals(List.of(List.of(fromConversation)), rows(c, "SELECT trace_id FROM traces WHERE session_id = 'conv-9'"));
      assertEquals("conv-9", attributesOf(c, rootId).get("session.id"), "exports carry it too");
      assertEquals(List.of(List.of(given)), rows(c, "SELECT trace_id FROM traces WHERE session_id = 's-2'"), "a session given wins");
    }
  }

  @Test
  void outsideATraceOrBeforeInitNothingHappensAndNothingThrows() throws Exception {
    Tracewright.tag("early");
    Tracewright.session("early");
    Tracewright.user(null);
    Tracewright.tag((String[]) null);
    Path base = dir.resolve("outside/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    Tracewright.tag("outside");
    Tracewright.session("outside");
    Tracewright.user("outside");
    String traceId;
    try (ActiveSpan root = Tracewright.span("run", SpanKind.AGENT).start()) {
      traceId = root.traceId();
      Tracewright.session(null);
      Tracewright.user("  ");
      Tracewright.tag((String[]) null);
      Tracewright.tag((String) null);
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    try (Connection c = open(base)) {
      assertEquals(Arrays.asList(null, null), rows(c, "SELECT session_id, user_id FROM traces WHERE trace_id = ?", traceId).get(0));
      assertEquals(List.of(List.of(0L)), rows(c, "SELECT COUNT(*) FROM trace_tags"));
    }
  }

  @Test
  void aTraceKeepsAtMost32TagsOfAtMost200CharactersRedactedLikeNames() throws Exception {
    Path base = dir.resolve("limits/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String traceId;
    try (ActiveSpan root = Tracewright.span("run", SpanKind.AGENT).start()) {
      traceId = root.traceId();
      for (int i = 0; i < 40; i++) {
        Tracewright.tag(String.format("t%02d", i));
      }
    }
    String longOne;
    try (ActiveSpan root = Tracewright.span("run", SpanKind.AGENT).start()) {
      longOne = root.traceId();
      Tracewright.tag("x".repeat(300), "mail alice@example.com");
      Tracewright.user("alice@example.com");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    try (Connection c = open(base)) {
      List<Object> tags = tagsOf(c, traceId);
      assertEquals(32, tags.size());
      assertEquals("t31", tags.get(31), "the first 32 given");
      List<Object> cut = tagsOf(c, longOne);
      assertEquals(2, cut.size());
      assertTrue(cut.contains("x".repeat(200)), "cut to 200 characters");
      String all = rows(c, "SELECT user_id FROM traces WHERE trace_id = ?", longOne).get(0).get(0) + " " + cut
          + rows(c, "SELECT attributes FROM spans WHERE trace_id = ?", longOne);
      assertFalse(all.contains("alice@example.com"), "redacted before it is stored: " + all);
      assertTrue(all.contains("mail [REDACTED"), all);
    }
  }

  @Test
  void aRowWrittenAgainKeepsItsLabelsAndPruneTakesTheTagsWithTheTrace() throws Exception {
    Path base = dir.resolve("rewrite/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    String old;
    java.util.concurrent.CountDownLatch rootEnded = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Future<?> late;
    try (ActiveSpan root = Tracewright.span("old", SpanKind.AGENT).start()) {
      old = root.traceId();
      try (ActiveSpan first = Tracewright.span("first", SpanKind.TOOL).start()) {
        first.attribute("k", "v");
      }
      assertTrue(Tracewright.flush()); // an INCOMPLETE row first
      Tracewright.tag("old-tag");
      Tracewright.session("s-old");
      late = pool.submit(Tracewright.wrap(() -> {
        rootEnded.await();
        try (ActiveSpan span = Tracewright.span("late", SpanKind.TOOL).start()) {
          span.attribute("k", "v");
        }
        return null;
      }));
    }
    assertTrue(Tracewright.flush()); // the final row, with the labels
    rootEnded.countDown();
    late.get(10, TimeUnit.SECONDS);
    assertTrue(Tracewright.flush()); // the row again, for the span that ended after the root
    String kept;
    try (ActiveSpan root = Tracewright.span("new", SpanKind.AGENT).start()) {
      kept = root.traceId();
      Tracewright.tag("old-tag", "new-tag");
    }
    pool.shutdown();
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (Connection c = open(base)) {
      assertEquals(List.of(List.of("OK", 3, "s-old")), rows(c, "SELECT status, span_count, session_id FROM traces WHERE trace_id = ?", old),
          "the row written again for the late span kept its session");
      assertEquals(List.of("old-tag"), tagsOf(c, old));
      c.createStatement().execute("UPDATE traces SET start_time = DATEADD(DAY, -2, start_time) WHERE trace_id = '" + old + "'");
      c.setAutoCommit(false);
      TracePruner.Removed removed = new TracePruner(c).pruneBatch(Instant.now().minusSeconds(86_400), 100);
      assertEquals(1, removed.traces());
      assertEquals(List.of(), tagsOf(c, old), "its tags went with it");
      assertEquals(List.of("new-tag", "old-tag"), tagsOf(c, kept));
    }
  }

  @Test
  void aVersionEightFileGetsTheColumnsAndTableAndIsWrittenTo() throws Exception {
    Path base = dir.resolve("v8/traces");
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, false), "sa", "")) {
      Schema.migrate(c, Schema.MIGRATIONS.subList(0, 8));
    }
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String traceId;
    try (ActiveSpan root = Tracewright.span("run", SpanKind.AGENT).start()) {
      traceId = root.traceId();
      Tracewright.tag("upgraded");
      Tracewright.user("u-1");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    try (Connection c = open(base)) {
      assertTrue(Schema.currentVersion() >= 9);
      assertEquals(List.of("upgraded"), tagsOf(c, traceId));
      assertEquals(List.of(List.of("u-1")), rows(c, "SELECT user_id FROM traces WHERE trace_id = ?", traceId));
      assertEquals(List.of(List.of(3L)), rows(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME IN"
          + " ('TRACES_BY_SESSION', 'TRACES_BY_USER', 'TRACE_TAGS_BY_TRACE')"));
    }
  }
}
