package dev.tracewright.cli;

import dev.tracewright.runtime.store.DurabilityChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An agent in its own JVM ({@link DurabilityChild} {@code kill}): records traces of 5 spans into a
 * database, flushes, says {@code FLUSHED n}, then keeps recording until closed (killed).
 */
public final class ChildAgent implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final StringBuilder said = new StringBuilder();

  private ChildAgent(Process process) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  public static ChildAgent start(Path db, int traces) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ChildAgent(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), "kill",
        db.toString(), String.valueOf(traces)).redirectErrorStream(true).start());
  }

  /** Its {@code FLUSHED n} line, or null if it ended without one; what it printed before is {@link #said()}. */
  public String awaitFlushed() throws IOException {
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("FLUSHED")) {
      said.append(line).append('\n');
    }
    return line;
  }

  public String said() {
    return said.toString();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
