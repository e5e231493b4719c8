package dev.tracewright.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-thread generator is reused from one captured value to the next; these check that no
 * failure, cut or earlier value leaks into the next capture on the same thread.
 */
class ContentCaptureTest {
  private final ContentCapture capture = new ContentCapture(256);
  private final ObjectMapper json = new ObjectMapper();

  /** Writes its first property, then throws from the second getter: Jackson stops mid-object. */
  public static final class HalfBean {
    public String getA() {
      return "written";
    }

    public String getB() {
      throw new IllegalStateException("getter failed");
    }
  }

  record Order(String id, int quantity) {}

  private static String text(Captured c) {
    return new String(c.json(), StandardCharsets.UTF_8);
  }

  @Test
  void consecutiveValuesAreCapturedAloneWithNoSeparator() {
    assertEquals("1", text(capture.value(1)));
    assertEquals("\"two\"", text(capture.value("two")));
    assertEquals("{\"id\":\"o-1\",\"quantity\":3}", text(capture.value(new Order("o-1", 3))));
    assertEquals("null", text(capture.value(null)));
  }

  @Test
  void aValueThatFailsMidObjectDoesNotCorruptTheNextCapture() throws Exception {
    JsonNode failed = json.readTree(capture.value(new HalfBean()).json());
    assertTrue(failed.has(ContentCapture.UNSERIALIZABLE), failed.toString());

    Captured next = capture.arguments(ContentCapture.keys(new String[] {"order", "note"}), new Object[] {new Order("o-2", 1), "ok"});
    assertEquals("{\"order\":{\"id\":\"o-2\",\"quantity\":1},\"note\":\"ok\"}", text(next));
    assertFalse(next.truncated());
  }

  @Test
  void aValueCutAtTheLimitDoesNotCorruptTheNextCapture() {
    Captured cut = capture.value(List.of("x".repeat(1_000)));
    assertTrue(cut.truncated());
    assertEquals(256, cut.json().length);

    assertEquals("{\"k\":[1,2]}", text(capture.value(Map.of("k", List.of(1, 2)))));
  }
}
