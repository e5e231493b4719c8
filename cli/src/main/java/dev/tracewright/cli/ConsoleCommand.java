package dev.tracewright.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {"H2's web console on 127.0.0.1, opened on the trace database. Works while an agent is writing.",
        "Opens on the newest traces (trace_summary); views: trace_summary, errors, cost_by_model, slow_spans,",
        "and span_tree for one trace: SET @trace = '<trace id>'; SELECT * FROM span_tree"})
final class ConsoleCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "8082", paramLabel = "PORT", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535, not " + port);
    }
    PrintWriter out = spec.commandLine().getOut();
    ConsoleServer console = ConsoleServer.start(db.db, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      console.close();
      stopped.countDown();
    }, "tracewright-console-stop"));
    out.println("H2 console for " + db.db + " (listening on 127.0.0.1:" + console.port() + " only)");
    out.println("Newest traces:  " + console.tracesUrl());
    out.println("Full console:   " + console.url());
    out.println("Views: trace_summary (newest first), errors, cost_by_model, slow_spans (last 24 h),");
    out.println("       span_tree for one trace: SET @trace = '<trace id>'; SELECT * FROM span_tree");
    out.println("Ctrl+C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }
}
