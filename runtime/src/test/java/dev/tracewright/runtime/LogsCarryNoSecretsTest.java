package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.LogSafe;
import dev.tracewright.runtime.export.ExportBatch;
import dev.tracewright.runtime.export.OtlpHttpExporter;
import dev.tracewright.runtime.export.SpanExporter;
import dev.tracewright.runtime.store.InMemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: logs never carry user exception text or configuration secrets raw. Captures what the
 * "dev.tracewright" logger (System.Logger, backed by java.util.logging) really prints, stack
 * traces included.
 */
class LogsCarryNoSecretsTest {
  static final String KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o";
  static final String QUERY_SECRET = "Q7x9-query-secret";

  final List<String> printed = new CopyOnWriteArrayList<>();
  final Logger logger = Logger.getLogger("dev.tracewright");
  final Handler handler = new Handler() {
    final SimpleFormatter format = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      printed.add(format.format(record)); // message and the thrown's stack trace, as a console shows them
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
    logger.removeHandler(handler);
  }

  record FailingUsage() implements TokenUsage {
    @Override
    public long inputTokens() {
      throw new IllegalStateException("usage lookup failed for key " + KEY, new RuntimeException("cause mentions " + KEY));
    }

    @Override
    public long outputTokens() {
      return 0;
    }
  }

  @Test
  void aUserExceptionIsLoggedWithItsFramesButWithoutItsSecrets() throws Exception {
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).build());
    Object result = Tracewright.span("chat", SpanKind.LLM).call(FailingUsage::new);
    assertTrue(result instanceof FailingUsage);
    assertTrue(Tracewright.flush());
    String logs = String.join("\n", printed);
    assertTrue(logs.contains("token usage"), logs);
    assertTrue(logs.contains("FailingUsage.inputTokens"), "the stack frames stay: " + logs);
    assertTrue(logs.contains("[REDACTED:openai_key]"), logs);
    assertFalse(logs.contains(KEY), logs);
  }

  @Test
  void anOtlpEndpointsQueryStringNeverReachesTheLogs() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    OtlpHttpExporter otlp = OtlpHttpExporter.builder("http://127.0.0.1:" + closedPort + "/otlp?api-key=" + QUERY_SECRET + "&sig=" + QUERY_SECRET).build();
    assertFalse(otlp.toString().contains(QUERY_SECRET), otlp.toString());
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(otlp).build());
    Tracewright.span("call", SpanKind.TOOL).run(() -> {});
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    String logs = String.join("\n", printed);
    assertTrue(logs.contains("failed"), "the export failure is logged: " + logs);
    assertFalse(logs.contains(QUERY_SECRET), logs);
  }

  @Test
  void aBadEndpointIsRefusedWithoutQuotingItsSecrets() {
    for (String bad : List.of("ftp://user:" + QUERY_SECRET + "@collector/?token=" + QUERY_SECRET, "http://exa mple?key=" + QUERY_SECRET)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OtlpHttpExporter.builder(bad));
      ByteArrayOutputStream trace = new ByteArrayOutputStream();
      e.printStackTrace(new PrintStream(trace, true, StandardCharsets.UTF_8));
      assertFalse(trace.toString(StandardCharsets.UTF_8).contains(QUERY_SECRET), trace.toString(StandardCharsets.UTF_8));
      assertTrue(e.getMessage().startsWith("OTLP endpoint must be an http(s) URL"), e.getMessage());
    }
  }

  @Test
  void aFailingExportersMessageIsRedacted() {
    SpanExporter leaky = new SpanExporter() {
      @Override
      public void export(ExportBatch batch) {
        throw new IllegalStateException("rejected request with Authorization: Bearer " + KEY);
      }

      @Override
      public String toString() {
        return "leaky exporter to https://user:" + QUERY_SECRET + "@collector.example.com";
      }
    };
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(leaky).build());
    Tracewright.span("call", SpanKind.TOOL).run(() -> {});
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    String logs = String.join("\n", printed);
    assertTrue(logs.contains("leaky exporter"), logs);
    assertFalse(logs.contains(KEY) || logs.contains(QUERY_SECRET), logs);
  }

  @Test
  void scrubKeepsTypeFramesAndCausesAndPassesFatalErrorsThrough() {
    Exception original = new IllegalArgumentException("password=hunter2 rejected", new java.io.IOException("via " + KEY));
    Throwable scrubbed = LogSafe.scrub(original);
    assertEquals("java.lang.IllegalArgumentException: password=[REDACTED:secret] rejected", scrubbed.toString());
    assertEquals(original.getStackTrace()[0], scrubbed.getStackTrace()[0]);
    assertEquals("java.io.IOException: via [REDACTED:openai_key]", scrubbed.getCause().toString());
    OutOfMemoryError oom = new OutOfMemoryError("heap");
    assertTrue(LogSafe.scrub(oom) == oom, "fatal errors stay themselves, to be rethrown");
  }
}
