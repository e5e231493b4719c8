package dev.tracewright.cli.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client may hold of a Tracewright HTTP server, and for how long.
 *
 * @param headerTimeout a connection must send a complete request head within this time of opening,
 *     or of its previous response; a client sending its headers a byte at a time is cut off too
 * @param idleTimeout a connection on which nothing moves for this long is closed
 * @param minThreads threads kept ready
 * @param maxThreads the most threads handling requests at once (with Jetty's selector and acceptor);
 *     a request is read without a thread, so slow clients hold none until their request is complete
 * @param maxQueuedTasks work waiting for a thread beyond that; more is refused, never queued without end
 * @param maxConnections open connections at once; beyond that the server stops accepting until one closes
 * @param maxRequestHeaderBytes request line and headers together; larger gets 431 (414 for the target alone)
 */
public record HttpLimits(
    Duration headerTimeout,
    Duration idleTimeout,
    int minThreads,
    int maxThreads,
    int maxQueuedTasks,
    int maxConnections,
    int maxRequestHeaderBytes) {

  /** For a server on one machine: a browser's handful of connections, a script or two, slow clients dropped within seconds. */
  public static final HttpLimits DEFAULT =
      new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 2, 32, 256, 256, 16 * 1024);

  public HttpLimits {
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (minThreads < 1 || maxThreads < minThreads || maxQueuedTasks < 1 || maxConnections < 1 || maxRequestHeaderBytes < 1024) {
      throw new IllegalArgumentException("limits out of range: " + minThreads + ".." + maxThreads + " threads, " + maxQueuedTasks
          + " queued, " + maxConnections + " connections, " + maxRequestHeaderBytes + " header bytes");
    }
  }

  public HttpLimits withTimeouts(Duration header, Duration idle) {
    return new HttpLimits(header, idle, minThreads, maxThreads, maxQueuedTasks, maxConnections, maxRequestHeaderBytes);
  }
}
