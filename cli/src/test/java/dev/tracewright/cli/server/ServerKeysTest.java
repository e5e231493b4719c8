package dev.tracewright.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TracewrightCli;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys end to end: {@code tracewright keys} makes them (only a hash and a prefix stored), the
 * server refuses requests without a valid one, stamps what a key sends with its project, keeps one
 * project's key out of another's traces, stops taking a revoked key; and the OpenTelemetry JS SDK,
 * run by Node, sends a real TypeScript agent's trace with its key.
 */
@Timeout(600)
class ServerKeysTest {
  @TempDir Path dir;
  TeamServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TracewrightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path store() {
    return dir.resolve("traces");
  }

  private String createKey(String project) {
    Run r = cli("keys", "create", "--project", project, "--name", project + " service", "--store", store().toString());
    assertEquals(0, r.exit(), r.err());
    String key = r.out().lines().findFirst().orElseThrow();
    assertTrue(key.matches("twk_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}"), key);
    return key;
  }

  private HttpResponse<byte[]> post(byte[] body, String authorization, String query) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/traces" + query))
        .header("Content-Type", "application/x-protobuf");
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return TeamServerTest.HTTP.send(r.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void keysAreStoredAsHashesAndTheServerTakesOnlyValidOnesStampingTheirProject() throws Exception {
    String checkout = createKey("checkout");
    String billing = createKey("billing");
    Run list = cli("keys", "list", "--store", store().toString());
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains(checkout.substring(0, 12)) && list.out().contains("checkout") && list.out().contains("billing"), list.out());
    assertFalse(list.out().contains(checkout) || list.out().contains(billing), "keys list never shows a key");
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(store(), true, true), "sa", "");
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM api_keys")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          String v = rs.getString(i);
          assertFalse(v != null && (v.equals(checkout) || v.equals(billing) || v.contains(checkout.substring(13))), "a key's secret stored");
        }
      }
      assertEquals(2, rows);
    }
    assertEquals(2, cli("keys", "create", "--project", "no spaces allowed", "--store", store().toString()).exit());

    // With keys, the server may listen beyond loopback (it needs a key from everyone).
    server = TeamServer.start(store(), InetAddress.getByName("0.0.0.0"), 0, TeamServer.Settings.DEFAULT, PricingTable.bundled());
    byte[] body = TeamServerTest.agentTrace().toByteArray();
    HttpResponse<byte[]> none = post(body, null, "");
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
    assertEquals(401, post(body, "Bearer twk_AAAAAAAA_" + "B".repeat(32), "").statusCode());
    assertEquals(401, post(body, "Bearer " + checkout.substring(0, 20) + "x".repeat(checkout.length() - 20), "").statusCode(), "right prefix, wrong key");
    assertEquals(401, post(body, null, "?key=" + checkout + "&api_key=" + checkout).statusCode(), "a key in the URL is never read");

    assertEquals(200, post(body, "Bearer " + checkout, "").statusCode());
    // The billing key cannot add spans to checkout's trace: refused as OTLP's partial success.
    Span intruder = TeamServerTest.span("0badc0de0badc0de", "00f067aa0ba902b7", "injected", 1, 2).build();
    HttpResponse<byte[]> foreign = post(TeamServerTest.request(List.of(intruder)).toByteArray(), "Bearer " + billing, "");
    assertEquals(200, foreign.statusCode());
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(foreign.body());
    assertEquals(1, answer.getPartialSuccess().getRejectedSpans());
    assertTrue(answer.getPartialSuccess().getErrorMessage().contains("another project"), answer.getPartialSuccess().getErrorMessage());
    try (TraceDb db = TraceDb.open(store()); Connection c = DriverManager.getConnection(H2Store.fileUrl(store(), true, true), "sa", "");
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT project FROM traces WHERE trace_id = '" + TeamServerTest.TRACE + "'")) {
      assertEquals(4, db.spans(TeamServerTest.TRACE).size(), "nothing of billing's in checkout's trace");
      assertTrue(rs.next());
      assertEquals("checkout", rs.getString(1), "stamped with the key's project, chosen by the server");
    }

    // Nor into checkout's spans by reusing their IDs under a new trace: a span ID is the table's key.
    Span reused = Span.newBuilder(intruder).setTraceId(TeamServerTest.hex("0000000000000000000000000000beef"))
        .setSpanId(TeamServerTest.hex("00f067aa0ba902b8")).setParentSpanId(com.google.protobuf.ByteString.EMPTY).setName("overwrite").build();
    HttpResponse<byte[]> overwrite = post(TeamServerTest.request(List.of(reused)).toByteArray(), "Bearer " + billing, "");
    assertEquals(1, ExportTraceServiceResponse.parseFrom(overwrite.body()).getPartialSuccess().getRejectedSpans());
    try (TraceDb db = TraceDb.open(store())) {
      assertTrue(db.spans(TeamServerTest.TRACE).stream().anyMatch(sp -> sp.name().equals("chat gpt-4o")), "checkout's span is intact");
    }

    // With keys, the UI and JSON API are not served (reads are not scoped by project yet).
    HttpResponse<String> read = TeamServerTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/traces"))
        .header("Authorization", "Bearer " + checkout).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, read.statusCode());
    assertTrue(read.body().contains("not scoped by project"), read.body());
    assertFalse(read.body().contains(TeamServerTest.TRACE), "no trace shown");

    // Revoked: refused within the server's few seconds of caching.
    Run revoke = cli("keys", "revoke", checkout.substring(0, 12), "--store", store().toString());
    assertEquals(0, revoke.exit(), revoke.err());
    long deadline = System.currentTimeMillis() + Authenticator.TTL_MILLIS + 5_000;
    int status = 200;
    while (status != 401 && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      status = post(body, "Bearer " + checkout, "").statusCode();
    }
    assertEquals(401, status, "a revoked key is refused");
    // billing's was the last key left; revoked too, the server does not fall open: it started with keys.
    assertEquals(0, cli("keys", "revoke", billing.substring(0, 12), "--store", store().toString()).exit());
    Thread.sleep(Authenticator.TTL_MILLIS + 500);
    assertEquals(401, post(body, null, "").statusCode(), "no key active: refused, never open");
    assertEquals(401, post(body, "Bearer " + billing, "").statusCode());
    assertEquals(2, cli("keys", "revoke", checkout.substring(0, 12), "--store", store().toString()).exit(), "revoked already");
  }

  @Test
  void theOpenTelemetryJsSdkSendsATypeScriptAgentsTraceWithItsKey() throws Exception {
    assumeTrue(NodeOtlpClient.available(), "node and npm are not on PATH (.ci/run installs them)");
    Path client = NodeOtlpClient.install(Path.of("target", "otlp-client"));
    String key = createKey("checkout");
    server = TeamServer.start(store(), InetAddress.getLoopbackAddress(), 0, TeamServer.Settings.DEFAULT, PricingTable.bundled());
    String url = "http://127.0.0.1:" + server.port() + "/v1/traces";

    NodeOtlpClient.Result refused = NodeOtlpClient.send(client, url, "proto", null, 1, Duration.ofSeconds(60));
    assertEquals(1, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("401"), refused.stderr());

    for (String protocol : List.of("proto", "json")) {
      NodeOtlpClient.Result sent = NodeOtlpClient.send(client, url, protocol, key, 2, Duration.ofSeconds(60));
      assertTrue(sent.ok(), protocol + ": " + sent.stderr());
      assertEquals(2, sent.traceIds().size());
      try (TraceDb db = TraceDb.open(store())) {
        for (String traceId : sent.traceIds()) {
          TraceRecord t = db.trace(traceId);
          assertEquals(traceId, t.traceId(), "the SDK's own trace ID is kept");
          assertEquals("invoke_agent checkout", t.name());
          assertEquals("checkout-ts", t.serviceName());
          assertEquals(3, t.spanCount());
          assertEquals(1, t.errorCount());
          Map<String, SpanRecord> spans = db.spans(traceId).stream().collect(Collectors.toMap(SpanRecord::name, s -> s));
          SpanRecord chat = spans.get("chat gpt-4o");
          assertEquals(SpanKind.LLM, chat.kind(), protocol);
          assertEquals("gpt-4o-2024-08-06", chat.model());
          assertEquals("openai", chat.provider());
          assertEquals(120L, chat.inputTokens());
          assertEquals(30L, chat.outputTokens());
          assertEquals("gold", chat.attributes().get("app.customer_tier"));
          assertTrue(db.blob(chat.inputRef()).contains("Where is order 42?"), db.blob(chat.inputRef()));
          assertTrue(chat.outputPreview().contains("Order 42 ships today."), chat.outputPreview());
          SpanRecord tool = spans.get("execute_tool lookup_order");
          assertEquals(SpanKind.TOOL, tool.kind());
          assertEquals(SpanRecord.ERROR, tool.status());
          assertEquals("warehouse offline", tool.errorMessage());
          assertEquals(t.rootSpanId(), chat.parentSpanId());
          assertEquals(t.rootSpanId(), tool.parentSpanId());
        }
      }
    }
  }
}
