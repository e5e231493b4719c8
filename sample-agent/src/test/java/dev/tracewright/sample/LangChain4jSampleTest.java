package dev.tracewright.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --langchain4j}: the real LangChain4j client against the local endpoint, read back from H2. */
class LangChain4jSampleTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void theLangChain4jRunRecordsAgentThenLlmTurnsThenToolWithTokensAndCost() throws Exception {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failed = SampleAgent.runLangChain4j(SampleAgent.LANGCHAIN4J_QUESTIONS, db, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Tracewright.shutdown();
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(0, failed, output);
    assertTrue(output.contains("A: The calculator says 3.16224E7."), output);
    assertTrue(output.contains("A: (offline stand-in model: it answers arithmetic through the calculator tool; set OPENAI_BASE_URL"), output);
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "")) {
      List<List<Object>> traces = rows(c, "SELECT trace_id, name, input_tokens, cost_usd FROM traces ORDER BY start_time");
      assertEquals(2, traces.size());
      String second = (String) traces.get(1).get(0);
      assertEquals("research", traces.get(1).get(1));
      assertNotNull(traces.get(1).get(3), "the trace has a cost");

      c.createStatement().execute("SET @trace = '" + second + "'"); // span_tree walks that trace only
      List<List<Object>> tree = rows(c, "SELECT depth, name, kind, input_tokens IS NOT NULL FROM span_tree");
      assertEquals(List.of(
              List.of(0, "research", "AGENT", false),
              List.of(1, "chat gpt-4o-mini", "LLM", true),
              List.of(1, "calculate", "TOOL", false),
              List.of(1, "chat gpt-4o-mini", "LLM", true)),
          tree);
      String attributes = (String) rows(c, "SELECT attributes FROM spans WHERE trace_id = '" + second + "' AND name = 'calculate'").get(0).get(0);
      assertTrue(attributes.contains("gen_ai.tool.call.id"), attributes);
    }
  }

  private static List<List<Object>> rows(Connection c, String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
