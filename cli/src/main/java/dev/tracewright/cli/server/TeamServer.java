package dev.tracewright.cli.server;

import dev.tracewright.cli.CliException;
import dev.tracewright.cli.http.HttpLimits;
import dev.tracewright.cli.http.JettyServers;
import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.capture.Redactor;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.LoopbackOnly;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import dev.tracewright.cli.ui.UiServer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * {@code tracewright server}: OTLP/HTTP ingest ({@link IngestHandler}) into a trace store, through
 * one bounded writer ({@link IngestWriter}). This build stores into a local H2 file (the same
 * schema, rollups and read model as a recording agent's, so {@code list}, {@code ui} and the console
 * read what it ingested; a development server also serves the UI and JSON API of {@code tracewright ui}
 * on the same port). With API keys ({@link ApiKeys}) every request needs one and what it sends
 * is stamped with the key's project; without keys it is a development server and binds only to a
 * loopback address. PostgreSQL and project-scoped reads are the next steps of issue 23.
 */
public final class TeamServer implements AutoCloseable {
  /** The limits of one server. */
  /** {@code maxHeldBytes}: memory requests may hold from their first byte until written (0: half the heap; see {@link Admission}). */
  public record Settings(long maxBodyBytes, int maxQueuedRequests, long maxHeldBytes, long answerWithinMillis, int previewChars) {
    public static final Settings DEFAULT = new Settings(16L << 20, 64, 0, 30_000, 500);
  }

  private final Server server;
  private final IngestWriter writer;
  private final boolean keys;

  private TeamServer(Server server, IngestWriter writer, boolean keys) {
    this.server = server;
    this.writer = writer;
    this.keys = keys;
  }

  /** Whether the store had an active API key when the server started (then every request needs one). */
  public boolean keysRequired() {
    return keys;
  }

  /** Serves ingest into the H2 file at {@code store} on {@code bind}:{@code port} (0: any free port). */
  public static TeamServer start(Path store, InetAddress bind, int port, Settings settings, PricingTable pricing) {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535, not " + port);
    }
    LoopbackOnly.ensure();
    H2Store h2 = H2Store.file(store);
    boolean keys;
    try {
      keys = ApiKeys.anyActive(h2.connection()); // creates or upgrades the schema now: a bad path fails here
    } catch (SQLException | RuntimeException e) {
      h2.close();
      throw new CliException("cannot open the trace store " + store + ": " + e.getMessage());
    }
    if (!bind.isLoopbackAddress() && !keys) {
      h2.close();
      throw new CliException("--bind " + bind.getHostAddress() + " would take traces from other machines, and " + store
          + " has no API key: without keys this is a development server, which binds only to a loopback address (127.0.0.1, ::1)."
          + " Create one first: tracewright keys create --project NAME --store " + store);
    }
    IngestWriter writer = new IngestWriter(h2, new OtlpMapping(new ContentProcessor(Redactor.defaults(), settings.previewChars()), pricing),
        settings.maxQueuedRequests());
    Handler ingest = new IngestHandler(writer, settings.maxHeldBytes() > 0 ? new Admission(settings.maxHeldBytes()) : Admission.ofHeap(),
        new Authenticator(h2, keys || !bind.isLoopbackAddress()), settings.maxBodyBytes(), settings.answerWithinMillis());
    // The UI and its JSON API beside the ingest, for a development server (loopback, no keys). With
    // keys they are not served: reads are not scoped by project yet, and every trace would show.
    Handler ui = keys ? null : UiServer.handler(store, pricing);
    Handler routes = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (ui == null && !IngestHandler.PATH.equals(request.getHttpURI().getPath())) {
          IngestHandler.error(response, callback, 404, "this server takes traces at POST " + IngestHandler.PATH + "; with API keys it does not"
              + " serve the UI or JSON API yet (reads are not scoped by project): read the store with tracewright ui on its machine");
          return true;
        }
        return (ui == null || IngestHandler.PATH.equals(request.getHttpURI().getPath()) ? ingest : ui).handle(request, response, callback);
      }
    };
    Server server = JettyServers.build("tracewright-server", bind, port, HttpLimits.DEFAULT, routes, UiServer.errors());
    UiServer.configure(server);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing: the first error is the one to report
      }
      writer.close();
      throw new CliException("cannot serve on " + bind.getHostAddress() + ":" + port + ": " + e.getMessage());
    }
    return new TeamServer(server, writer, keys);
  }

  public int port() {
    return JettyServers.port(server);
  }

  /** Stops taking requests, writes what is queued, closes the store. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // stopping anyway
    }
    writer.close();
  }
}
