package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.ListeningSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against real H2 files written by the runtime, in process and as a separate JVM. */
@Timeout(120)
class CliTest {
  @TempDir Path dir;
  Path db;
  String traceId;

  record Result(int exit, String out, String err) {}

  static final TracedCall.Site AGENT = TracedCall.site(CliTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site LLM = TracedCall.site(CliTest.class, "chat", SpanKind.LLM, "chat").model("gpt-4o").provider("openai").parameters("prompt");

  @BeforeEach
  void recordTraces() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    TracedCall root = AGENT.begin();
    root.input("why is the sky blue?");
    try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", "sky").start()) {
      tool.output("Rayleigh scattering");
      tool.event("retry", Map.of("attempt", 1));
    }
    TracedCall llm = LLM.begin();
    llm.input("summarize");
    Tracewright.current().tokens(1200, 300);
    llm.returned("The sky is blue because of Rayleigh scattering.");
    traceId = Tracewright.current().traceId();
    root.returned("blue");
    TracedCall failing = AGENT.begin();
    failing.input("crash please");
    failing.threw(new IllegalStateException("model unavailable"));
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TracewrightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String researchTraceId() {
    Result list = run("list", "--db", db.toString());
    return list.out().lines().filter(l -> l.contains("research") && l.contains("OK")).findFirst().orElseThrow().split("\\s+")[0];
  }

  @Test
  void listShowsRecentTracesNewestFirst() {
    Result r = run("list", "--db", db.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of("TRACE", "NAME", "START", "DURATION", "SPANS", "TOKENS", "COST", "STATUS"), List.of(lines.get(0).split("\\s+")));
    assertEquals(3, lines.size());
    assertTrue(lines.get(1).contains("ERROR"), "the failing run is newest: " + lines.get(1));
    assertTrue(lines.get(2).matches(".*research .* 3 +1,500 +\\$0\\.0060 +OK$"), lines.get(2));

    Result errors = run("list", "--errors", "--db", db.toString());
    assertEquals(2, errors.out().lines().count());
    Result limited = run("list", "--limit", "1", "--db", db.toString());
    assertEquals(2, limited.out().lines().count());
    Result future = run("list", "--since", "2999-01-01", "--db", db.toString());
    assertTrue(future.out().startsWith("no traces match"), future.out());
    assertEquals(3, run("list", "--since", "1h", "--db", db.toString()).out().lines().count());
  }

  @Test
  void showDrawsTheTreeWithWaterfallTokensCostAndEvents() {
    Result r = run("show", researchTraceId(), "--db", db.toString(), "--no-color");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("trace " + traceId), lines.get(0));
    assertTrue(lines.get(1).startsWith("research ") && lines.get(1).contains("AGENT") && lines.get(1).contains("|█"), lines.get(1));
    assertTrue(lines.get(2).startsWith("├─ search") && lines.get(2).contains("TOOL"), lines.get(2));
    assertTrue(lines.get(3).contains("• retry {attempt=1}"), lines.get(3));
    assertTrue(lines.get(4).startsWith("└─ chat") && lines.get(4).contains("gpt-4o  1,200→300 tok  $0.0060"), lines.get(4));
    assertFalse(r.out().contains("\u001b["), "no colour codes when asked");

    Result content = run("show", traceId.substring(0, 16), "--content", "--db", db.toString());
    assertTrue(content.out().contains("in  {\"question\":\"why is the sky blue?\"}"), content.out());
    assertTrue(content.out().contains("out \"The sky is blue because of Rayleigh scattering.\""), content.out());
  }

  @Test
  void aTraceWhoseRootHasNotEndedIsListedAsIncompleteAndCanBeShown() {
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    TracedCall running = AGENT.begin(); // an agent still running (or one that crashed here)
    running.input("still thinking");
    String id = Tracewright.current().traceId();
    try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).start()) {
      tool.error(new IllegalStateException("timeout"));
    }
    LLM.begin().returned("partial");
    assertTrue(Tracewright.flush());

    Result list = run("list", "--db", db.toString());
    String row = list.out().lines().filter(l -> l.startsWith(id.substring(0, 16))).findFirst().orElseThrow(() -> new AssertionError(list.out()));
    assertTrue(row.matches(".*search .* 2 .* INCOMPLETE$"), row);
    assertEquals(4, list.out().lines().count(), "with the two finished traces");
    assertTrue(run("list", "--errors", "--db", db.toString()).out().contains(id.substring(0, 16)), "it has an error");

    Result show = run("show", id.substring(0, 16), "--db", db.toString());
    assertEquals(0, show.exit(), show.err());
    assertTrue(show.out().lines().findFirst().orElseThrow().contains("INCOMPLETE"), show.out());
    assertTrue(show.out().contains("search") && show.out().contains("ERROR IllegalStateException: timeout"), show.out());
    assertTrue(show.out().contains("chat"), show.out());
    running.returned("done");
  }

  @Test
  void showMarksErrors() {
    String failing = run("list", "--errors", "--db", db.toString()).out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
    Result r = run("show", failing, "--db", db.toString());
    assertTrue(r.out().contains("ERROR IllegalStateException: model unavailable"), r.out());
  }

  @Test
  void statsByModelAndSpanName() {
    Result r = run("stats", "--db", db.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("By model"));
    assertTrue(r.out().lines().anyMatch(l -> l.matches("MODEL +COUNT +P50 +P95 +TOKENS +COST +ERROR RATE")), "the last column is a rate: " + r.out());
    String model = r.out().lines().filter(l -> l.startsWith("gpt-4o")).findFirst().orElseThrow();
    assertTrue(model.matches("gpt-4o +1 +\\S+ (µs|ms|s) +\\S+ (µs|ms|s) +1,500 +\\$0\\.0060 +0\\.0%"), model);
    String research = r.out().lines().filter(l -> l.startsWith("research")).findFirst().orElseThrow();
    assertTrue(research.matches("research +2 .* 50\\.0%"), research);
  }

  @Test
  void badInputIsOneLineExitTwoAndTouchesNothing() throws IOException {
    Path missing = dir.resolve("nowhere/traces");
    Result r = run("list", "--db", missing.toString());
    assertUsageError(r, "no trace database at " + missing.getParent().resolve("traces.mv.db"));
    assertFalse(Files.exists(missing.getParent()), "nothing created on disk");

    Path corrupt = dir.resolve("corrupt/traces");
    Files.createDirectories(corrupt.getParent());
    byte[] garbage = "this is not an H2 database, just some bytes ".repeat(200).getBytes(StandardCharsets.UTF_8);
    Files.write(H2Store.dataFile(corrupt), garbage);
    assertUsageError(run("show", "abc", "--db", corrupt.toString()), "is not a readable H2 database");
    assertArrayEquals(garbage, Files.readAllBytes(H2Store.dataFile(corrupt)), "the corrupt file is left as it was");

    assertUsageError(run("list", "--bogus"), "Unknown option: '--bogus'");
    assertUsageError(run("frobnicate"), "Unmatched argument");
    assertUsageError(run("list", "--limit", "many", "--db", db.toString()), "'many' is not an int");
    assertUsageError(run("list", "--limit", "0", "--db", db.toString()), "--limit must be between 1 and 1000");
    assertUsageError(run("list", "--since", "someday", "--db", db.toString()), "'someday' is not a time");
    assertUsageError(run("show", "ffffffffffff", "--db", db.toString()), "no trace with ID starting 'ffffffffffff'");
    assertUsageError(run("show", "xyz", "--db", db.toString()), "'xyz' is not a trace ID");
    assertUsageError(run("show", "--db", db.toString()), "Missing required parameter: 'TRACE'");
    assertUsageError(run(), "missing command");
  }

  @Test
  void anAmbiguousPrefixSaysSo() {
    String shared = commonPrefix(run("list", "--db", db.toString()).out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList());
    Result r = run("show", shared, "--db", db.toString());
    if (shared.isEmpty()) {
      assertUsageError(r, "is not a trace ID");
    } else {
      assertUsageError(r, "matches several traces");
    }
  }

  private static String commonPrefix(List<String> ids) {
    String p = ids.get(0);
    for (String id : ids) {
      while (!id.startsWith(p)) {
        p = p.substring(0, p.length() - 1);
      }
    }
    return p;
  }

  private static void assertUsageError(Result r, String expected) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace");
  }

  @Test
  void versionAndHelp() {
    assertTrue(run("--version").out().startsWith("tracewright "));
    for (String command : List.of("list", "show", "stats", "console")) {
      Result help = run(command, "--help");
      assertEquals(0, help.exit());
      assertTrue(help.out().contains("--db"), command + ": " + help.out());
    }
  }

  @Test
  void listWorksAsASeparateProcessWhileAnAgentIsWriting() throws Exception {
    Path live = dir.resolve("live/traces");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (ChildAgent agent = ChildAgent.start(live, 50)) {
      assertEquals("FLUSHED 250", agent.awaitFlushed(), agent.said());
      Process cli = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TracewrightCli.class.getName(), "list", "--limit", "100",
          "--db", live.toString()).start();
      String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, cli.exitValue(), err);
      assertTrue(out.lines().filter(l -> l.contains("flushed") || l.contains("after")).count() >= 50, out);
      assertTrue(agent.isAlive(), "the agent kept writing meanwhile");
    }
  }

  @Test
  void consoleServesTheTraceDatabaseOnLoopbackOnly() throws Exception {
    try (ConsoleServer console = ConsoleServer.start(db, 0)) {
      URI uri = URI.create(console.url());
      assertEquals("127.0.0.1", uri.getHost());
      for (String address : ListeningSockets.addresses(console.port())) {
        assertTrue(ListeningSockets.isLoopback(address), "listening on " + address);
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());

      String session = uri.getQuery(); // jsessionid=...
      String sql = URLEncoder.encode("SELECT COUNT(*) FROM spans", StandardCharsets.UTF_8);
      HttpResponse<String> query = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + "/query.do?" + session + "&sql=" + sql)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, query.statusCode());
      assertTrue(query.body().contains("<td>4</td>"), "the session is connected to the trace database");

      HttpResponse<String> traces = http.send(HttpRequest.newBuilder(URI.create(console.tracesUrl())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, traces.statusCode());
      assertTrue(traces.body().contains("research") && traces.body().contains("&#36;0.006000"),
          "it opens on the newest traces, cost rounded for reading: " + traces.body());
      assertTrue(traces.body().indexOf(">ERROR<") < traces.body().indexOf(">OK<"), "newest first: the failed run came last");

      String foreign = rawGet(console.port(), "/" + uri.getRawPath().substring(1) + "?" + session, "evil.example.com");
      assertTrue(foreign.startsWith("HTTP/1.1 404"), foreign.lines().findFirst().orElse(""));
      assertFalse(foreign.contains("<td>"), "a DNS-rebinding request gets nothing");
    }
  }

  @Test
  void consoleServesOnlyItsOwnSessionNoLoginFormNoOtherDatabase() throws Exception {
    try (ConsoleServer console = ConsoleServer.start(db, 0);
        java.net.ServerSocket trap = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      trap.setSoTimeout(300);
      int port = console.port();
      String session = URI.create(console.url()).getQuery();
      String outbound = URLEncoder.encode("jdbc:h2:tcp://127.0.0.1:" + trap.getLocalPort() + "/x", StandardCharsets.UTF_8);
      String otherFile = URLEncoder.encode("jdbc:h2:" + db, StandardCharsets.UTF_8);
      String alias = URLEncoder.encode("CREATE ALIAS EXEC AS 'String exec(String c) throws Exception { return \"x\"; }'", StandardCharsets.UTF_8);
      List<String> attempts = List.of(
          "/",
          "/index.do",
          "/login.jsp",
          "/frame.jsp",
          "/login.do?driver=org.h2.Driver&url=" + otherFile + "&user=sa&password=",
          "/test.do?driver=org.h2.Driver&url=" + outbound + "&user=sa&password=",
          "/login.do?driver=org.h2.Driver&url=" + outbound + "&user=sa&password=",
          "/query.do?jsessionid=0123456789abcdef0123456789abcdef&sql=" + alias,
          "/admin.jsp?" + session,
          "/tools.jsp?" + session,
          "/settingSave.do?" + session,
          "/logout.do?" + session);
      for (String attempt : attempts) {
        String response = rawGet(port, attempt, "127.0.0.1");
        assertTrue(response.startsWith("HTTP/1.1 404"), attempt + " -> " + response.lines().findFirst().orElse(""));
        assertFalse(response.toLowerCase(java.util.Locale.ROOT).contains("password"), attempt + " shows no login form");
      }
      assertThrows(java.net.SocketTimeoutException.class, trap::accept, "nothing connected out through the console");

      String css = rawGet(port, "/stylesheet.css", "127.0.0.1");
      assertTrue(css.startsWith("HTTP/1.1 200"), "the console's own static files are served");
      String own = rawGet(port, "/query.do?" + session + "&sql=" + URLEncoder.encode("SELECT COUNT(*) FROM spans", StandardCharsets.UTF_8), "127.0.0.1");
      assertTrue(own.startsWith("HTTP/1.1 200") && own.contains("<td>4</td>"), "the printed session still works after all that");
    }
  }

  @Test
  void anAgentStartedWhileTheConsoleIsOpenRecordsThroughIt() throws Exception {
    try (ConsoleServer console = ConsoleServer.start(db, 0); ChildAgent agent = ChildAgent.start(db, 5)) {
      assertEquals("FLUSHED 25", agent.awaitFlushed(), "the agent recorded while the console had the database open: " + agent.said());
      String session = URI.create(console.url()).getQuery();
      String count = rawGet(console.port(), "/query.do?" + session + "&sql=" + URLEncoder.encode("SELECT COUNT(*) FROM spans WHERE name LIKE 'flushed%'", StandardCharsets.UTF_8), "127.0.0.1");
      assertTrue(count.contains("<td>25</td>"), "the console sees the agent's flushed spans too: " + count);
    }
  }

  /** A GET with a chosen Host header (java.net.http will not send a foreign one). */
  private static String rawGet(int port, String path, String host) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aBugExitsThreeNeverOneWhichDiffUsesForDifferent() {
    java.io.StringWriter text = new java.io.StringWriter();
    int code = TracewrightCli.failed(new IllegalStateException("boom"), new java.io.PrintWriter(text, true));
    assertEquals(TracewrightCli.INTERNAL_ERROR, code);
    assertEquals(3, code);
    assertEquals("tracewright: unexpected error: java.lang.IllegalStateException: boom", text.toString().strip());
  }

  /** A file written before schema v4, which the read-only CLI cannot migrate. */
  private void makeVersionThree() throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(H2Store.fileUrl(db, false, true), H2Store.DEFAULT_USER, "");
        java.sql.Statement st = c.createStatement()) {
      st.execute("DROP INDEX traces_by_tokens");
      st.execute("ALTER TABLE traces DROP COLUMN total_tokens");
      // And what the versions after 4 added, so the file is a v3 file as a whole.
      st.execute("ALTER TABLE blobs DROP COLUMN ref_count");
      st.execute("ALTER TABLE traces DROP COLUMN dropped_spans");
      st.execute("DROP TABLE span_rollups");
      st.execute("DROP TABLE trace_rollups");
      st.execute("DROP INDEX traces_by_error");
      st.execute("ALTER TABLE traces DROP COLUMN has_error");
      st.execute("DROP TABLE trace_tags");
      st.execute("DROP INDEX traces_by_session");
      st.execute("DROP INDEX traces_by_user");
      st.execute("ALTER TABLE traces DROP COLUMN session_id");
      st.execute("ALTER TABLE traces DROP COLUMN user_id");
      st.execute("ALTER TABLE traces DROP COLUMN content_words");
      st.execute("DROP TABLE api_keys");
      st.execute("DROP INDEX traces_by_project");
      st.execute("ALTER TABLE traces DROP COLUMN project");
      st.execute("DELETE FROM schema_version WHERE version >= 4");
    }
  }

  private boolean hasTotalTokens() throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(H2Store.fileUrl(db, false, true), H2Store.DEFAULT_USER, "");
        java.sql.ResultSet rs = c.createStatement().executeQuery(
            "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'TRACES' AND COLUMN_NAME = 'TOTAL_TOKENS'")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  @Test
  void aVersionThreeFileIsUpgradedLikeTheRuntimeWouldAndSortsByTokens() throws Exception {
    makeVersionThree();
    assertFalse(hasTotalTokens());
    Result tokens = run("list", "--sort", "tokens", "--db", db.toString());
    assertEquals(0, tokens.exit(), tokens.err());
    assertTrue(tokens.out().lines().skip(1).findFirst().orElseThrow().contains("1,500"), "the trace with the model call first: " + tokens.out());
    assertTrue(hasTotalTokens());
  }

  @Test
  void aReadOnlyVersionThreeFileIsReadAsItIsAndRefusesOnlyTheTokensSort() throws Exception {
    makeVersionThree();
    Path mount = dir.resolve("archive");
    Files.createDirectories(mount);
    assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString()), "mounting a tmpfs is not permitted here");
    try {
      Files.copy(H2Store.dataFile(db), mount.resolve("traces.mv.db"));
      assertTrue(sh("mount", "-o", "remount,ro", mount.toString()));
      Path archived = mount.resolve("traces");
      byte[] before = Files.readAllBytes(H2Store.dataFile(archived));

      Result cost = run("list", "--sort", "cost", "--db", archived.toString());
      assertEquals(0, cost.exit(), cost.err());
      assertEquals(3, cost.out().lines().count(), "a header and both traces: " + cost.out());
      Result tokens = run("list", "--sort", "tokens", "--db", archived.toString());
      assertEquals(2, tokens.exit(), tokens.err() + tokens.out());
      assertEquals("", tokens.out());
      assertEquals(1, tokens.err().lines().count(), tokens.err());
      assertTrue(tokens.err().contains("sorting by tokens needs the tokens column of schema v4") && tokens.err().contains("(is it read-only?)")
          && tokens.err().contains("(until then, sort by cost)"), tokens.err());
      assertEquals(0, run("show", traceId, "--db", archived.toString()).exit());
      assertArrayEquals(before, Files.readAllBytes(H2Store.dataFile(archived)));
    } finally {
      sh("umount", mount.toString());
    }
  }

  private static boolean sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
