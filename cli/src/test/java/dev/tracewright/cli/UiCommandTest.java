package dev.tracewright.cli;

import static dev.tracewright.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.CliTest.Result;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracewright ui} as a user runs it: its URL printed, serving until stopped, one-line errors. */
@Timeout(120)
class UiCommandTest {
  @TempDir Path dir;
  Path db;

  @BeforeEach
  void record() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    try (ActiveSpan root = Tracewright.span("research", SpanKind.AGENT).start()) {
      root.output("blue");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void printsItsUrlAndServesTheApiUntilStopped() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process ui = new ProcessBuilder(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), TracewrightCli.class.getName(),
        "ui", "--db", db.toString(), "--port", "0", "--open").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(ui.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertNotNull(first, "the UI printed nothing");
      assertTrue(first.startsWith("Tracewright UI for " + db) && first.contains("127.0.0.1:"), first);
      String open = out.readLine();
      assertTrue(open.matches("Open: +http://127\\.0\\.0\\.1:\\d+/"), open);
      String url = open.replaceFirst("Open: +", "");
      assertTrue(out.readLine().startsWith("API:"));
      assertEquals("Ctrl+C to stop.", out.readLine());

      HttpResponse<String> traces = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/traces")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, traces.statusCode(), traces.body());
      JsonNode body = new ObjectMapper().readTree(traces.body());
      assertEquals("research", body.get("traces").get(0).get("name").asText());
      assertTrue(ui.isAlive(), "--open on a headless machine is skipped, the server keeps running");
    } finally {
      ui.destroy(); // SIGTERM, as Ctrl+C: the shutdown hook closes the server
      assertTrue(ui.waitFor(60, TimeUnit.SECONDS), "the UI stopped");
    }
  }

  @Test
  void aMissingDatabaseOrABadPortIsOneLineAndExitTwo() throws Exception {
    Path missing = dir.resolve("nowhere/traces");
    assertUsageError(run("ui", "--port", "0", "--db", missing.toString()), "no trace database at " + missing.getParent().resolve("traces.mv.db"));
    assertFalse(Files.exists(missing.getParent()), "nothing created on disk");
    assertUsageError(run("ui", "--port", "70000", "--db", db.toString()), "--port must be between 0 and 65535, not 70000");
    assertUsageError(run("ui", "--port", "-1", "--db", db.toString()), "--port must be between 0 and 65535");
    assertUsageError(run("ui", "--port", "web", "--db", db.toString()), "'web' is not an int");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      assertUsageError(run("ui", "--port", String.valueOf(taken.getLocalPort()), "--db", db.toString()),
          "cannot serve the UI on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void helpNamesTheOptions() {
    Result help = run("ui", "--help");
    assertEquals(0, help.exit());
    for (String option : new String[] {"--db", "--port", "--open", "/api/"}) {
      assertTrue(help.out().contains(option), option + ": " + help.out());
    }
  }

  private static void assertUsageError(Result r, String expected) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace");
  }
}
