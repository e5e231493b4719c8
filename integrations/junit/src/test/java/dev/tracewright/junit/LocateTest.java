package dev.tracewright.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Where {@code @ReplayTrace("...")} finds its file: the class path first, then the working directory. */
class LocateTest {

  @Test
  void aClassPathResourceFromTheRootOfTheTestResources() throws IOException {
    Path found = ReplayTraceExtension.locate("fixtures/empty.jsonl", LocateTest.class);
    assertEquals("{}", Files.readString(found).strip());
    assertEquals(found, ReplayTraceExtension.locate("/fixtures/empty.jsonl", LocateTest.class), "a leading slash means the same");
  }

  @Test
  void elseAFileRelativeToTheWorkingDirectory() {
    Path pom = ReplayTraceExtension.locate("pom.xml", LocateTest.class); // surefire runs in the module directory
    assertEquals(Path.of("pom.xml"), pom);
  }

  @Test
  void aMissingFileSaysWhereItLookedAndHowToMakeIt() {
    ExtensionConfigurationException e =
        assertThrows(ExtensionConfigurationException.class, () -> ReplayTraceExtension.locate("traces/none.jsonl", LocateTest.class));
    assertTrue(e.getMessage().contains("no such class-path resource, nor file"), e.getMessage());
    assertTrue(e.getMessage().contains("tracewright export --format jsonl --content --trace <id> -o src/test/resources/traces/none.jsonl"), e.getMessage());
  }
}
