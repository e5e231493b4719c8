package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
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
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each trace's words filter holds every word of its stored content (previews, full content in
 * blobs, error messages), however its spans were split across batches, and migration 10 gives an
 * existing file the same filters the writer keeps.
 */
class ContentWordsTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private static boolean holds(byte[] filter, String phrase) {
    byte[] words = ContentWords.of(phrase);
    for (int i = 0; i < words.length; i++) {
      if ((filter[i] & words[i]) != words[i]) {
        return false;
      }
    }
    return true;
  }

  @Test
  void wordsAreLettersAndDigitsLowerCasedAndJsonEscapesSeparateThem() {
    byte[] json = ContentWords.of("{\"text\":\"First line\\nSecond LINE\\u00e9t\\tcafé 42\"}");
    for (String word : List.of("first", "LINE", "second", "café", "42", "text", "t")) {
      assertTrue(word.length() < 2 || holds(json, word), word);
    }
    assertFalse(holds(json, "nsecond"), "the n of \\n is not part of the next word");
    assertFalse(holds(json, "u00e9t"));
    assertFalse(ContentWords.hasWords("?! - ."));
    assertTrue(ContentWords.hasWords("a b c 7x"));
    // A word's first 40 characters decide: a longer one is found by them.
    String longWord = "x".repeat(40) + "tail";
    assertTrue(holds(ContentWords.of(longWord), "x".repeat(40) + "other"));
  }

  @Test
  void eachTraceFilterHoldsItsContentAcrossBatchesAndTheMigrationGivesTheSame() throws Exception {
    Path base = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    Map<String, String> traces = new LinkedHashMap<>();
    for (int i = 0; i < 30; i++) {
      try (ActiveSpan root = Tracewright.span("ask", SpanKind.AGENT).input("question", "Where is parcel " + i + "?").start()) {
        try (ActiveSpan llm = Tracewright.span("chat", SpanKind.LLM).input("prompt",
            "A long prompt. ".repeat(50) + "The hidden needle word zebra" + i + " at the end.").start()) {
          llm.output("answer number " + i);
        }
        Tracewright.flush(); // the root in a later batch than its child
        try (ActiveSpan tool = Tracewright.span("lookup", SpanKind.TOOL).start()) {
          tool.error(new IllegalStateException("warehouse " + i + " unreachable"));
        }
        root.output("done");
        traces.put(root.traceId(), "zebra" + i);
      }
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    Map<String, byte[]> written = filters(base);
    assertEquals(traces.keySet(), written.keySet());
    int i = 0;
    for (Map.Entry<String, String> t : traces.entrySet()) {
      byte[] filter = written.get(t.getKey());
      // Past the preview (the needle is in the full prompt only), in an output, in an error message.
      for (String phrase : List.of(t.getValue(), "hidden needle", "parcel " + i, "answer number", "warehouse " + i + " unreachable")) {
        assertTrue(holds(filter, phrase), phrase + " in " + t.getKey());
      }
      assertFalse(holds(filter, "zebra" + (i + 1) + " zebra" + (i + 2)), "words of other traces");
      i++;
    }

    // The same file, as an older Tracewright left it: no filters until migration 10 fills them in.
    try (Connection c = open(base); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE traces DROP COLUMN content_words");
      // And what came after 10, so the file is a version-9 file as a whole.
      st.execute("DROP TABLE api_keys");
      st.execute("DROP INDEX traces_by_project");
      st.execute("ALTER TABLE traces DROP COLUMN project");
      st.execute("DELETE FROM schema_version WHERE version >= 10");
    }
    H2Store reopened = H2Store.file(base);
    try {
      reopened.connection();
    } finally {
      reopened.close();
    }
    Map<String, byte[]> migrated = filters(base);
    assertEquals(written.keySet(), migrated.keySet());
    written.forEach((id, filter) -> assertArrayEquals(filter, migrated.get(id), "the migration's filter of " + id));
  }

  private static Connection open(Path base) throws SQLException {
    return DriverManager.getConnection(H2Store.fileUrl(base, true, true), "sa", "");
  }

  private static Map<String, byte[]> filters(Path base) throws SQLException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (Connection c = open(base);
        PreparedStatement st = c.prepareStatement("SELECT trace_id, content_words FROM traces ORDER BY trace_id");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getBytes(2));
      }
    }
    return out;
  }
}
