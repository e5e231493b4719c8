package dev.tracewright.cli.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not sent a complete request head within {@code timeout} of opening, or
 * of its previous response. Jetty's idle timeout alone restarts with every byte, so a client that sends
 * a header line every few seconds would keep its connection forever; Jetty has no request-header
 * timeout of its own. The clock stops while a request is handled and starts again when it is answered.
 */
final class HeaderDeadline extends Handler.Wrapper {
  private final Scheduler scheduler;
  private final long timeoutMillis;
  private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

  /** Starts the clock on each new connection; added to the connector. */
  final Connection.Listener connections = new Connection.Listener() {
    @Override
    public void onOpened(Connection connection) {
      arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
      disarm(connection);
    }
  };

  HeaderDeadline(Scheduler scheduler, Duration timeout) {
    this.scheduler = scheduler;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Connection connection = request.getConnectionMetaData().getConnection();
    disarm(connection); // the head is complete: the handler's time is not the client's
    boolean handled = super.handle(request, response, new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        arm(connection); // before the response completes, so the next request on it finds the clock running
        super.succeeded();
      }
    });
    if (!handled) {
      arm(connection);
    }
    return handled;
  }

  private void arm(Connection connection) {
    if (!connection.getEndPoint().isOpen()) {
      return;
    }
    Scheduler.Task[] task = new Scheduler.Task[1];
    task[0] = scheduler.schedule(() -> {
      if (pending.remove(connection, task[0])) {
        // The socket, not the HTTP connection: closing that fails the half-read request, and Jetty
        // would write a 500 for it before closing. The client gets no answer, as from nginx's header timeout.
        connection.getEndPoint().close(new TimeoutException("request head not complete within " + timeoutMillis + " ms"));
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    Scheduler.Task previous = pending.put(connection, task[0]);
    if (previous != null) {
      previous.cancel();
    }
    if (!connection.getEndPoint().isOpen()) {
      disarm(connection); // closed meanwhile: onClosed may have run before the put
    }
  }

  private void disarm(Connection connection) {
    Scheduler.Task task = pending.remove(connection);
    if (task != null) {
      task.cancel();
    }
  }

  /** Connections whose clock is running (for tests). */
  int pending() {
    return pending.size();
  }
}
