package dev.tracewright.cli.ui.browser;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An agent in a JVM of its own whose one trace grows when told: each {@code step} line on its input
 * records and flushes a finished child span under a root that is still running; end of input ends
 * the root. It answers {@code TRACE id}, {@code STEPPED n}, {@code ENDED}.
 */
final class SteppedAgent implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;
  final String traceId;

  private SteppedAgent(Process process) throws IOException {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    this.traceId = expect("TRACE ");
  }

  static SteppedAgent start(Path db) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new SteppedAgent(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SteppedAgent.class.getName(), db.toString())
        .redirectErrorStream(true).start());
  }

  /** Records the next step and waits until it is in the database. */
  void step() throws IOException {
    in.println("step");
    expect("STEPPED ");
  }

  /** Ends the root span and waits until it is in the database. */
  void end() throws IOException {
    in.close();
    expect("ENDED");
  }

  private String expect(String prefix) throws IOException {
    StringBuilder said = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
      if (line.equals("NOT FLUSHED")) {
        throw new IOException("the agent could not write its spans: " + said);
      }
      said.append(line).append('\n');
    }
    throw new IOException("the agent ended before saying " + prefix.trim() + ": " + said);
  }

  /** Lets an agent that was told to end shut down (and release the file); kills one that was not. */
  @Override
  public void close() throws InterruptedException {
    in.close();
    if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Written, waiting out a file another process is handing over (each flush waits a few seconds). */
  private static boolean flushed() {
    for (int attempt = 0; attempt < 6; attempt++) {
      if (Tracewright.flush()) {
        return true;
      }
    }
    return false;
  }

  public static void main(String[] args) throws IOException {
    Tracewright.init(TraceConfig.builder().store(H2Store.file(Path.of(args[0]))).build());
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (ActiveSpan root = Tracewright.span("growing", SpanKind.AGENT).start()) {
      System.out.println("TRACE " + root.traceId());
      System.out.flush();
      int n = 0;
      while ("step".equals(commands.readLine())) {
        n++;
        try (ActiveSpan step = Tracewright.span("step-" + n, SpanKind.TOOL).start()) {
          step.output(n);
        }
        System.out.println(flushed() ? "STEPPED " + n : "NOT FLUSHED");
        System.out.flush();
      }
    }
    System.out.println(flushed() ? "ENDED" : "NOT FLUSHED");
    System.out.flush();
    Tracewright.shutdown();
  }
}
