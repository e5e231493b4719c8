package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §8: memory is bounded in bytes. Real child JVMs with a 128 MB heap, real H2 files. */
@Timeout(300)
class MemoryBoundTest {
  @TempDir Path dir;

  /** Runs {@link MemoryChild} and returns its RESULT fields. */
  private static Map<String, String> runChild(String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx128m", "-cp", System.getProperty("java.class.path"), MemoryChild.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS));
    String result = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
    assertNotNull(result, "the child finished: " + output);
    Map<String, String> fields = new HashMap<>();
    for (String kv : result.substring("RESULT ".length()).split(" ")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        fields.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    fields.put("output", output);
    return fields;
  }

  @Test
  void megabytePromptsFromFourThreadsNeverThrowOutOfMemoryIntoTheApplication() throws Exception {
    Map<String, String> r = runChild("big", dir.resolve("big").toString(), "150", String.valueOf(4 * 1024 * 1024));
    String why = r.toString();
    assertEquals("0", r.get("appErrors"), why);
    assertEquals("600", r.get("calls"), why);
    assertEquals("600", r.get("persisted"), "every span persisted, with or without its content: " + why);
    assertTrue(Long.parseLong(r.get("contentDropped")) > 0, why);
    assertEquals("true", r.get("flushed"), why);
  }

  @Test
  void manyThreadsBlockedUnderBlockHoldNoContentBeyondTheBudget() throws Exception {
    Map<String, String> r = runChild("block", dir.resolve("block").toString(), "1500", String.valueOf(2 * 1024 * 1024));
    String why = r.toString();
    assertEquals("0", r.get("appErrors"), why);
    assertEquals("1500", r.get("calls"), why);
    assertEquals("1500", r.get("persisted"), "nothing dropped under BLOCK: " + why);
    assertTrue(Long.parseLong(r.get("contentDropped")) > 0, why);
  }
}
