package dev.tracewright.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TraceQuery;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracewright server} in its own JVM with a 64 MB heap, under a burst of 32 requests of 1 MB
 * at once (held decoded, several times the heap): it answers 429 to what its memory cannot hold,
 * never runs out of memory, and clients that retry as the SDKs do get every span stored once.
 */
@Timeout(300)
class ServerBurstTest {
  @TempDir Path dir;

  @Test
  void aBurstLargerThanTheHeapIsRefusedInPartAndLosesNothing() throws Exception {
    Path store = dir.resolve("traces");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        "dev.tracewright.cli.TracewrightCli", "server", "--store", store.toString(), "--port", "0", "--max-body-mb", "4")
        .redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      Matcher port = null;
      for (String line; port == null && (line = lines.readLine()) != null; ) {
        output.append(line).append('\n');
        Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/v1/traces").matcher(line);
        port = m.find() ? m : null;
      }
      assertTrue(port != null, "the server said where it listens: " + output);
      URI url = URI.create("http://127.0.0.1:" + port.group(1) + "/v1/traces");
      Thread drain = new Thread(() -> lines.lines().forEach(l -> output.append(l).append('\n')));
      drain.setDaemon(true);
      drain.start();

      int requests = 32;
      int perRequest = 500;
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger dropped = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(requests);
      try {
        List<Future<?>> sent = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
          int n = r;
          sent.add(pool.submit(() -> {
            byte[] body = body(n, perRequest); // about 1 MB each, built in this JVM, not the server's
            for (int attempt = 0; attempt < 1_000; attempt++) {
              HttpResponse<byte[]> answer;
              try {
                answer = TeamServerTest.HTTP.send(HttpRequest.newBuilder(url).header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
              } catch (java.io.IOException e) {
                // A connection closed under the client (a pooled one gone idle): the SDKs retry these too.
                dropped.incrementAndGet();
                Thread.sleep(200);
                continue;
              }
              if (answer.statusCode() == 200) {
                return null;
              }

              assertTrue(answer.statusCode() == 429 || answer.statusCode() == 503, answer.statusCode() + " " + new String(answer.body()));
              refused.incrementAndGet();
              Thread.sleep(200);
            }
            throw new AssertionError("request " + n + " not taken in 1,000 attempts");
          }));
        }
        for (Future<?> f : sent) {
          try {
            f.get(240, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            Thread.sleep(500);
            throw new AssertionError("a client failed: " + e.getCause() + "; server alive: " + server.isAlive() + "; server said:\n" + output, e);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(server.isAlive(), "the server is still up: " + output);
      assertTrue(refused.get() > 0, "part of the burst was answered 429 (connections dropped: " + dropped.get() + ")");
      assertTrue(dropped.get() <= requests, "the server answers what it refuses rather than dropping connections: " + dropped.get());
      server.destroy(); // Ctrl+C: the queue is written, the store closed
      assertEquals(true, server.waitFor(60, TimeUnit.SECONDS));
      assertTrue(!output.toString().contains("OutOfMemoryError"), output.toString());
      try (TraceDb db = TraceDb.open(store)) {
        assertEquals(requests, db.traces(TraceQuery.recent(100)).size());
        for (int r = 0; r < requests; r++) {
          assertEquals(perRequest, db.spanCount(String.format("%032x", r + 1)));
        }
      }
    } finally {
      server.destroyForcibly();
    }
  }

  private static byte[] body(int r, int spans) {
    List<Span> list = new ArrayList<>();
    String trace = String.format("%032x", r + 1);
    for (int i = 0; i < spans; i++) {
      list.add(Span.newBuilder().setTraceId(TeamServerTest.hex(trace)).setSpanId(TeamServerTest.hex(String.format("%08x%08x", r + 1, i + 1)))
          .setName("step").setStartTimeUnixNano(TeamServerTest.T0 + i).setEndTimeUnixNano(TeamServerTest.T0 + i + 1000)
          .addAttributes(TeamServerTest.kv("output.value", "y".repeat(2_000) + i)).build());
    }
    return TeamServerTest.request(list).toByteArray();
  }
}
