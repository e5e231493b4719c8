package dev.tracewright.cli;

import dev.tracewright.cli.server.TeamServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "server",
    description = "Take traces from any OpenTelemetry SDK (OTLP/HTTP, protobuf or JSON, at POST /v1/traces) into a trace store, until Ctrl+C.",
    mixinStandardHelpOptions = true)
final class ServerCommand implements Callable<Integer> {
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Option(names = "--store", paramLabel = "PATH",
      defaultValue = "${env:TRACEWRIGHT_STORE:-.tracewright/traces}",
      description = "Where ingested traces go: an H2 file path (default: ${DEFAULT-VALUE}; also TRACEWRIGHT_STORE). PostgreSQL is not in this build yet.")
  String store;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Only loopback until API keys exist.")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "4318", description = "Port (default: ${DEFAULT-VALUE}, OTLP/HTTP's; 0 for any free one).")
  int port;

  @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "16", description = "Largest request body, after gzip (default: ${DEFAULT-VALUE}); larger ones get 413.")
  int maxBodyMb;

  @Override
  public Integer call() throws InterruptedException {
    if (store.startsWith("postgresql:") || store.startsWith("jdbc:")) {
      throw new CliException("--store " + store + ": PostgreSQL stores are not in this build yet; give an H2 file path");
    }
    if (maxBodyMb < 1) {
      throw new CliException("--max-body-mb must be at least 1, not " + maxBodyMb);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new CliException("--bind " + TerminalText.escape(bind) + " is not an address of this machine");
    }
    TeamServer.Settings d = TeamServer.Settings.DEFAULT;
    TeamServer.Settings settings = new TeamServer.Settings((long) maxBodyMb << 20, d.maxQueuedRequests(), d.maxHeldBytes(),
        d.answerWithinMillis(), d.previewChars());
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // Ctrl+C: the hook lets the main thread write what is queued and close the store before the JVM goes.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    try (TeamServer server = TeamServer.start(Path.of(store), address, port, settings, pricing.table())) {
      out.println("Tracewright server: OTLP/HTTP at http://" + address.getHostAddress() + ":" + server.port() + "/v1/traces into " + store);
      out.println("Send with: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://" + address.getHostAddress() + ":" + server.port() + "/v1/traces");
      out.println(server.keysRequired()
          ? "API keys: every request needs one (Authorization: Bearer <key>); what a key sends goes to its project."
          : "No API keys: a development server on loopback only (tracewright keys create --project NAME --store " + store + " for a team)."
              + " UI: http://" + address.getHostAddress() + ":" + server.port() + "/");
      out.println("Read with: tracewright list --db " + store + "   (or ui, console). Ctrl+C to stop.");
      out.flush();
      stop.await();
    } finally {
      closed.countDown();
    }
    return 0;
  }
}
