package dev.tracewright.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the sample as a user would and reads back the H2 database it wrote. */
class SampleAgentEndToEndTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private String runSample(ChatModel model, Path db, List<String> questions) {
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SampleAgent.run(model, questions, db, new PrintStream(out, true, StandardCharsets.UTF_8));
    Tracewright.shutdown();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
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

  @Test
  void defaultRunsRecordTheWholeAgentInH2() throws Exception {
    Path db = dir.resolve("traces");
    String output = runSample(new OfflineModel(), db, SampleAgent.DEFAULT_QUESTIONS);

    assertTrue(output.contains("A: Based on what I found"), output);
    assertTrue(output.contains("run failed (recorded as an error trace): java.lang.ArithmeticException"), output);
    assertTrue(output.contains("├─ plan") && output.contains("│  └─ chat"), "prints the tree:\n" + output);
    // Issue 22: the relative cli/target/tracewright.jar was printed from any directory.
    String cli = SampleAgent.cliCommand();
    assertFalse(output.contains(" cli/target/tracewright.jar ui"), output);
    assertTrue(cli.equals("tracewright") || (cli.startsWith("java -jar /") && cli.endsWith("/cli/target/tracewright.jar")), cli);
    assertTrue(output.contains(cli + " console --db " + db), output);
    assertTrue(output.contains(cli + " ui --db " + db), output);

    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "")) {
      assertEquals(List.of(List.of("research", "OK"), List.of("research", "OK"), List.of("research", "ERROR")),
          rows(c, "SELECT name, status FROM traces ORDER BY start_time"));

      String first = (String) rows(c, "SELECT trace_id FROM traces ORDER BY start_time LIMIT 1").get(0).get(0);
      c.createStatement().execute("SET @trace = '" + first + "'"); // span_tree walks that trace only
      List<List<Object>> tree = rows(c, "SELECT depth, name, kind FROM span_tree");
      assertEquals(List.of(0, "research", "AGENT"), tree.get(0));
      assertTrue(tree.contains(List.of(1, "memory.recall", "MEMORY")), tree.toString());
      assertTrue(tree.contains(List.of(1, "plan", "STEP")), tree.toString());
      assertTrue(tree.contains(List.of(2, "chat", "LLM")), "the model call nests under the self-invoked plan step: " + tree);
      assertTrue(tree.contains(List.of(1, "retrieve_documents", "RETRIEVAL")), tree.toString());
      assertTrue(tree.contains(List.of(1, "read_file", "TOOL")), tree.toString());
      assertTrue(tree.contains(List.of(1, "memory.remember", "MEMORY")), tree.toString());
      assertEquals(3L, rows(c, "SELECT COUNT(*) FROM spans WHERE trace_id = '" + first + "' AND name = 'web_search'").get(0).get(0),
          "the parallel fan-out stayed in the trace");
      assertTrue((Long) rows(c, "SELECT COUNT(DISTINCT thread_name) FROM spans WHERE trace_id = '" + first + "' AND name = 'web_search'").get(0).get(0) > 1,
          "on pool threads");

      List<Object> llm = rows(c, "SELECT COUNT(*), MIN(input_tokens), SUM(cost_usd), MIN(model) FROM spans WHERE kind = 'LLM'").get(0);
      assertEquals(5L, llm.get(0), "plan and answer per run; the failing run stops before its answer");
      assertTrue((Long) llm.get(1) > 0);
      assertTrue(((java.math.BigDecimal) llm.get(2)).signum() > 0, "cost from the pricing table");
      assertEquals(OfflineModel.NAME, llm.get(3));
      List<Object> totals = rows(c, "SELECT input_tokens, output_tokens, cost_usd FROM traces WHERE trace_id = '" + first + "'").get(0);
      assertTrue((Long) totals.get(0) > 0 && (Long) totals.get(1) > 0 && totals.get(2) != null, totals.toString());

      assertEquals(List.of(List.of("quote_service", "java.lang.IllegalStateException")),
          rows(c, "SELECT DISTINCT name, error_type FROM errors WHERE trace_name = 'research' AND name = 'quote_service'"));
      List<List<Object>> retries = rows(c, "SELECT e.name, e.attributes FROM span_events e JOIN spans s ON s.span_id = e.span_id"
          + " WHERE s.name = 'research' AND s.trace_id = '" + first + "'");
      assertEquals(1, retries.size());
      assertEquals("retry", retries.get(0).get(0));
      assertTrue(((String) retries.get(0).get(1)).contains("\"attempt\":1"), retries.toString());

      List<Object> failed = rows(c, "SELECT t.error_count, s.error_type, s.error_message FROM traces t JOIN spans s ON s.span_id = t.root_span_id WHERE t.status = 'ERROR'").get(0);
      assertEquals(2, failed.get(0), "the calculator and the agent");
      assertEquals("java.lang.ArithmeticException", failed.get(1));
      assertEquals("division by zero in 42/0", failed.get(2));
    }
  }

  @Test
  void aRealOpenAiCompatibleEndpointGivesRealTokenUsage() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger calls = new AtomicInteger();
    List<String> authorizations = new ArrayList<>();
    server.createContext("/v1/chat/completions", exchange -> {
      calls.incrementAndGet();
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String content = request.contains("PLAN:") ? "sky color\\nrayleigh" : "Blue light scatters most.";
      byte[] body = ("{\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"" + content
          + "\"}}],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":50}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      Path db = dir.resolve("real");
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
      String output = runSample(new OpenAiCompatibleModel(base, "test-key", "gpt-4o"), db, List.of("Why is the sky blue?"));
      assertTrue(output.contains("A: Blue light scatters most."), output);
      assertEquals(2, calls.get());
      assertEquals(List.of("Bearer test-key", "Bearer test-key"), authorizations);
      try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "")) {
        List<Object> llm = rows(c, "SELECT COUNT(*), SUM(input_tokens), SUM(output_tokens), MIN(model), SUM(cost_usd) FROM spans WHERE kind = 'LLM'").get(0);
        assertEquals(List.of("2", "2000", "100", "gpt-4o-2024-08-06"), llm.subList(0, 4).stream().map(String::valueOf).toList());
        assertEquals(0, new java.math.BigDecimal("0.006").compareTo((java.math.BigDecimal) llm.get(4)), "priced as gpt-4o");
        String llmInput = (String) rows(c, "SELECT input_preview FROM spans WHERE kind = 'LLM' ORDER BY start_time LIMIT 1").get(0).get(0);
        assertTrue(llmInput.contains("PLAN:Why is the sky blue?"), llmInput);
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aFailingEndpointIsAClearErrorAndStillATrace() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      byte[] body = "{\"error\":{\"message\":\"Incorrect API key provided\"}}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      Path db = dir.resolve("failing");
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
      String output = runSample(new OpenAiCompatibleModel(base, "bad-key", "gpt-4o"), db, List.of("Why?"));
      assertTrue(output.contains("run failed, the model endpoint did: the model at " + base + "/chat/completions answered HTTP 401: "
          + "{\"error\":{\"message\":\"Incorrect API key provided\"}}"), output);
      try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, true, true), "sa", "")) {
        assertEquals(List.of(List.of("ERROR", "dev.tracewright.sample.LlmException")),
            rows(c, "SELECT t.status, s.error_type FROM traces t JOIN spans s ON s.span_id = t.root_span_id"));
      }
    } finally {
      server.stop(0);
    }
    String unreachable = runSample(new OpenAiCompatibleModel("http://127.0.0.1:9/v1", null, "gpt-4o"), dir.resolve("down"), List.of("Why?"));
    assertTrue(unreachable.contains("cannot reach the model at http://127.0.0.1:9/v1/chat/completions"), unreachable);
  }

  @Test
  void fromItsOwnRunnableJarTheSampleFindsTheCliJarOfTheSameBuild(@org.junit.jupiter.api.io.TempDir Path build) throws Exception {
    // README command 1 runs sample-agent/target/sample-agent.jar, which carries the CLI classes:
    // before, it looked beside that jar only and printed the placeholder.
    Path sample = java.nio.file.Files.createDirectories(build.resolve("sample-agent/target")).resolve("sample-agent.jar");
    java.nio.file.Files.writeString(sample, "");
    assertEquals(null, SampleAgent.cliJarNear(sample), "no CLI jar built yet");
    Path cli = java.nio.file.Files.createDirectories(build.resolve("cli/target")).resolve("tracewright.jar");
    java.nio.file.Files.writeString(cli, "");
    assertEquals(cli, SampleAgent.cliJarNear(sample));
    assertEquals(cli, SampleAgent.cliJarNear(build.resolve("cli/target/classes")), "from the CLI's classes in a build");
  }
}
