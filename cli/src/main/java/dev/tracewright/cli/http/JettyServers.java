package dev.tracewright.cli.http;

import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Tracewright's HTTP servers on Jetty's core API (no servlets): one HTTP/1.1 connector on one address,
 * with the timeouts and limits of {@link HttpLimits}, a bounded thread pool of daemon threads, no
 * server banner, and an error handler of the caller's for what Jetty refuses before any handler runs
 * (a malformed request line, headers too large). The UI uses it; a team server would too.
 */
public final class JettyServers {
  private static final int THREAD_IDLE_MILLIS = 60_000;

  private JettyServers() {}

  /**
   * A server for {@code handler} on {@code address}:{@code port} (0: any free port), not started.
   * {@code errors} answers what Jetty refuses itself; it finds the status in the response and Jetty's
   * reason in the request's {@code org.eclipse.jetty.server.error_*} attributes.
   */
  public static Server build(String name, InetAddress address, int port, HttpLimits limits, Handler handler, Request.Handler errors) {
    QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), limits.minThreads(), THREAD_IDLE_MILLIS,
        new ArrayBlockingQueue<>(limits.maxQueuedTasks()));
    threads.setName(name);
    threads.setDaemon(true);
    Server server = new Server(threads);
    ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(name + "-timer", true);
    server.addBean(scheduler);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);

    ServerConnector connector = new ServerConnector(server, threads, scheduler, null, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    HeaderDeadline deadline = new HeaderDeadline(scheduler, limits.headerTimeout());
    connector.addEventListener(deadline.connections);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));

    deadline.setHandler(handler);
    server.setHandler(deadline);
    server.setErrorHandler(errors);
    server.setStopTimeout(0);
    return server;
  }

  /** The HTTP settings of the server's connector, to adjust before it starts. */
  public static HttpConfiguration httpConfiguration(Server server) {
    return connector(server).getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
  }

  /** The port the server listens on, once started. */
  public static int port(Server server) {
    return connector(server).getLocalPort();
  }

  private static ServerConnector connector(Server server) {
    return (ServerConnector) server.getConnectors()[0];
  }
}
