package dev.tracewright.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server every Tracewright HTTP endpoint runs on: enough workers, a bounded pool, no timer left behind. */
@Timeout(60)
class JettyServersTest {
  private static final Request.Handler NO_ERRORS = (request, response, callback) -> false;

  /**
   * Sixteen requests in the handler at once (each waits until all have arrived), with the default
   * limits. The JDK server the UI ran on before had four workers: the fifth request waited for one.
   */
  @Test
  void sixteenRequestsAreHandledAtOnceAndThePoolIsBounded() throws Exception {
    int n = 16;
    CountDownLatch arrived = new CountDownLatch(n);
    Handler.Abstract handler = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws InterruptedException {
        arrived.countDown();
        String body = arrived.await(20, TimeUnit.SECONDS) ? "together" : "alone";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    };
    Server server = start(HttpLimits.DEFAULT, handler);
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + JettyServers.port(server) + "/");
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        assertEquals("together", answer.get(40, TimeUnit.SECONDS).body());
      }
      QueuedThreadPool threads = (QueuedThreadPool) server.getThreadPool();
      assertEquals(HttpLimits.DEFAULT.maxThreads(), threads.getMaxThreads(), "bounded");
      assertTrue(threads.getThreads() <= HttpLimits.DEFAULT.maxThreads(), threads.toString());
    } finally {
      server.stop();
    }
  }

  /** Connections dropped at the header deadline, and ones the client closes, leave no timer behind. */
  @Test
  void theHeaderDeadlineForgetsClosedConnections() throws Exception {
    Handler.Abstract ok = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.write(true, ByteBuffer.wrap(new byte[] {'k'}), callback);
        return true;
      }
    };
    Server server = start(HttpLimits.DEFAULT.withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5)), ok);
    HeaderDeadline deadline = (HeaderDeadline) server.getHandler();
    try {
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", JettyServers.port(server));
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        sockets.add(s);
      }
      for (Socket s : sockets) {
        assertTrue(closedWithin(s, Duration.ofSeconds(5)));
        s.close();
      }
      try (Socket s = new Socket("127.0.0.1", JettyServers.port(server))) {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(5_000);
        String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 200", answer);
      } // closed by the client, between requests
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (deadline.pending() > 0 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      assertEquals(0, deadline.pending());
    } finally {
      server.stop();
    }
  }

  private static Server start(HttpLimits limits, Handler handler) throws Exception {
    Server server = JettyServers.build("test-http", InetAddress.getByName("127.0.0.1"), 0, limits, handler, NO_ERRORS);
    server.start();
    return server;
  }

  private static boolean closedWithin(Socket s, Duration within) throws IOException {
    long end = System.nanoTime() + within.toNanos();
    s.setSoTimeout(100);
    while (System.nanoTime() < end) {
      try {
        if (s.getInputStream().read() < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // still open
      } catch (IOException e) {
        return true;
      }
    }
    return false;
  }
}
