package dev.tracewright.cli;

import dev.tracewright.cli.ui.UiServer;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {"The trace explorer in your browser, on 127.0.0.1 only, read-only. Works while an agent is writing.",
        "Pages: traces (/), a trace's waterfall and inspector (/trace/{id}), compare (/compare?a=&b=), stats (/stats).",
        "Also a JSON API under /api/: traces, traces/{id}, content/{hash}, stats."})
final class UiCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(names = "--open", description = "Open the UI in the default browser (skipped where there is none).")
  boolean open;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535, not " + port);
    }
    PrintWriter out = spec.commandLine().getOut();
    UiServer ui = UiServer.start(db.db, port, pricing.table());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ui.close();
      stopped.countDown();
    }, "tracewright-ui-stop"));
    out.println("Tracewright UI for " + db.db + " (listening on 127.0.0.1:" + ui.port() + " only)");
    out.println("Open:  " + ui.url());
    out.println("API:   " + ui.url() + "api/traces");
    out.println("Ctrl+C to stop.");
    out.flush();
    if (open) {
      browse(ui.url());
    }
    stopped.await();
    return 0;
  }

  /** Best effort: a server or a container has no desktop, and the printed URL is enough there. */
  private static void browse(String url) {
    try {
      if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        Desktop.getDesktop().browse(URI.create(url));
      }
    } catch (Exception | LinkageError e) {
      // no browser to open: the URL is printed above
    }
  }
}
