package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.BlobRecord;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §8: arguments that break naive serializers. Each is captured as a capped marker (or
 * truncated), with no deadlock, and the call's result and exception are exactly as without tracing.
 */
@Timeout(60)
class HostileArgumentsTest {
  static final int LIMIT = 64 * 1024;
  static final TracedCall.Site TOOL = TracedCall.site(HostileArgumentsTest.class, "tool", SpanKind.TOOL, "tool").parameters("arg");
  final InMemoryStore store = new InMemoryStore();

  @BeforeEach
  void start() {
    Tracewright.init(TraceConfig.builder().store(store).maxContentBytes(LIMIT).build());
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  /** What generated code does, around a body that returns its argument. */
  private static Object traced(Object arg) {
    TracedCall call = TOOL.begin();
    if (call.capturesInput()) {
      call.input(arg);
    }
    try {
      return call.returned(arg);
    } catch (Throwable e) {
      call.threw(e);
      throw e;
    }
  }

  private SpanRecord only() {
    assertTrue(Tracewright.flush());
    List<SpanRecord> spans = store.spans();
    assertEquals(1, spans.size(), store.names().toString());
    return spans.get(0);
  }

  private String inputContent(SpanRecord span) {
    BlobRecord blob = store.blobs().get(span.inputRef());
    return new String(blob.content(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static final class Node {
    public Node next;
    public String name = "n";
  }

  @Test
  void cyclicGraph() {
    Node a = new Node();
    Node b = new Node();
    a.next = b;
    b.next = a;
    assertSame(a, traced(a));
    SpanRecord s = only();
    assertTrue(s.inputPreview().contains("$unserializable"), s.inputPreview());
    assertTrue(inputContent(s).length() < 2_000, "a small marker, not a huge partial graph");
  }

  @Test
  void tenThousandDeepNesting() {
    List<Object> deep = new ArrayList<>();
    List<Object> cursor = deep;
    for (int i = 0; i < 10_000; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    assertSame(deep, traced(deep));
    assertTrue(only().inputPreview().contains("$unserializable"));
  }

  @Test
  void hundredMegabyteStringIsTruncatedAtTheLimit() {
    String huge = "x".repeat(100 * 1024 * 1024);
    assertSame(huge, traced(huge));
    SpanRecord s = only();
    String content = inputContent(s);
    assertTrue(content.length() <= LIMIT + 100, "capped: " + content.length());
    assertTrue(content.endsWith("[truncated at " + LIMIT + " bytes]"), content.substring(content.length() - 60));
    assertEquals(513, s.inputPreview().length(), "512 characters and an ellipsis");
  }

  public static final class ThrowingGetter {
    public String getSecret() {
      throw new IllegalStateException("no access");
    }
  }

  public static final class ThrowingToString {
    public Map<Object, String> map = new HashMap<>(Map.of(new Object() {
      @Override
      public String toString() {
        throw new UnsupportedOperationException("toString exploded");
      }
    }, "v"));
  }

  @Test
  void throwingGetterAndToString() {
    ThrowingGetter g = new ThrowingGetter();
    assertSame(g, traced(g));
    assertTrue(only().inputPreview().contains("no access"));
    store.clear();
    ThrowingToString t = new ThrowingToString();
    assertSame(t, traced(t));
    assertTrue(only().inputPreview().contains("$unserializable"));
  }

  public static final class Empty {}

  /** No properties and no fields: a marker with the type and toString, never a silent {@code {}}. */
  @Test
  void emptyBean() {
    Empty e = new Empty();
    assertSame(e, traced(e));
    assertEquals("{\"arg\":{\"$type\":\"" + Empty.class.getName() + "\",\"$toString\":\"" + e + "\"}}", only().inputPreview());
  }

  /** Private fields and accessors only, like a framework's chat message. */
  static final class ChatLine {
    private final String role = "user";
    private final String apiKey = "plain-looking-value";
    private final String text;

    ChatLine(String text) {
      this.text = text;
    }
  }

  @Test
  void anObjectCapturedByItsFieldsIsRedactedLikeAnyContent() {
    ChatLine line = new ChatLine("mail me at alice@example.com");
    assertSame(line, traced(line));
    String preview = only().inputPreview();
    assertTrue(preview.contains("\"role\":\"user\""), preview);
    assertTrue(preview.contains("mail me at [REDACTED:"), preview);
    assertTrue(!preview.contains("alice@example.com"), preview);
    assertTrue(!preview.contains("plain-looking-value"), "a field named like a secret is redacted by its name: " + preview);
  }

  public static final class CallsTracedCodeWhenSerialized {
    public String getValue() {
      return (String) traced("inner"); // a getter that itself calls a traced method
    }
  }

  @Test
  void getterThatCallsATracedMethodNeitherRecursesNorDeadlocks() {
    CallsTracedCodeWhenSerialized v = new CallsTracedCodeWhenSerialized();
    assertSame(v, traced(v));
    SpanRecord s = only();
    assertEquals("{\"arg\":{\"value\":\"inner\"}}", s.inputPreview(), "calls made while capturing are not traced");
  }

  @Test
  void exceptionFromTheCallIsUnchangedWhateverCaptureDid() {
    IllegalArgumentException boom = new IllegalArgumentException("bad input");
    Node cyclic = new Node();
    cyclic.next = cyclic;
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> {
      TracedCall call = TOOL.begin();
      call.input(cyclic);
      try {
        throw boom;
      } catch (Throwable e) {
        call.threw(e);
        throw e;
      }
    });
    assertSame(boom, thrown);
    assertEquals("ERROR", only().status());
  }
}
