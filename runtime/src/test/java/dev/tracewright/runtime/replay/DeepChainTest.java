package dev.tracewright.runtime.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, item 5: a trace that is one chain of 200,000 spans is read, diffed with itself and
 * replayed in a child JVM with a 256 MB heap and a 1 MB thread stack (recursion over the depth
 * would overflow it). Keying each span by its parent's full path string cost memory in the square
 * of the depth: the replay did not fit in 2 GB. Now the child needs about 160 MB.
 */
class DeepChainTest {
  static final int DEPTH = 200_000;

  @TempDir Path dir;

  @Test
  void aTwoHundredThousandDeepChainIsReadDiffedAndReplayedInALinearHeap() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("child.log");
    Process p = new ProcessBuilder(List.of(javaBin, "-Xmx256m", "-Xss1m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"),
        DeepChainChild.class.getName(), dir.resolve("chain.trace.jsonl").toString(), String.valueOf(DEPTH)))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // Not a measure of speed: only so a child that hangs cannot hang the build.
    boolean finished = p.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    String tail = output.length() > 4000 ? output.substring(output.length() - 4000) : output;
    assertTrue(finished, "the child never finished: " + tail);
    assertEquals(0, p.exitValue(), tail);
    assertTrue(output.contains("RESULT ok spans=" + DEPTH), tail);
  }
}
