package dev.tracewright.runtime.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 14 item 8: {@code /v1/traces} goes on the path, before an endpoint's query string. */
@Timeout(60)
class OtlpEndpointTest {

  @Test
  void thePathIsAddedBeforeTheQuery() {
    assertEquals("http://collector:4318/v1/traces?tenant=a&key=b", OtlpHttpExporter.builder("http://collector:4318/?tenant=a&key=b").build().uri().toString());
    assertEquals("http://collector:4318/v1/traces?tenant=a", OtlpHttpExporter.builder("http://collector:4318?tenant=a").build().uri().toString());
    assertEquals("https://h/otlp/v1/traces?x=%2F", OtlpHttpExporter.builder("https://h/otlp/v1/traces/?x=%2F").build().uri().toString());
    assertEquals("http://collector:4318/v1/traces", OtlpHttpExporter.builder("http://collector:4318").build().uri().toString());
  }

  @Test
  void aCollectorBehindAQueryStringReceivesSpansOnItsTracesPath() throws Exception {
    List<URI> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      received.add(exchange.getRequestURI());
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/tenant-7?token=abc";
      Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(OtlpHttpExporter.builder(endpoint).build()).build());
      Tracewright.span("call", SpanKind.TOOL).run(() -> {});
      assertTrue(Tracewright.flush());
      assertTrue(Tracewright.shutdown());
    } finally {
      Tracewright.shutdown();
      server.stop(0);
    }
    assertEquals(1, received.size(), received.toString());
    assertEquals("/tenant-7/v1/traces", received.get(0).getPath());
    assertEquals("token=abc", received.get(0).getQuery());
  }
}
