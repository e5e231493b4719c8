package dev.tracewright.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Objects with accessors but no getters (the shape of LangChain4j's messages) are captured by their
 * fields; what cannot be read by fields is a marker with type and toString. Never {@code {}}.
 */
class FieldFallbackTest {
  private final ContentCapture capture = new ContentCapture(64 * 1024);
  private final ObjectMapper json = new ObjectMapper();

  /** Like a framework message: private state, accessors without the get prefix. */
  static final class Text {
    private final String text;

    Text(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  static class Message {
    private final List<Text> contents;
    private final String name;

    Message(String name, Text... contents) {
      this.name = name;
      this.contents = List.of(contents);
    }
  }

  static final class ToolCallingMessage extends Message {
    private final List<Call> calls;
    private final String absent = null;

    ToolCallingMessage(String text, Call... calls) {
      super(null, new Text(text));
      this.calls = List.of(calls);
    }
  }

  /** A field holding an ordinary bean: that bean still goes through its getters. */
  static final class Call {
    private final String id;
    private final Arguments arguments;

    Call(String id, Arguments arguments) {
      this.id = id;
      this.arguments = arguments;
    }
  }

  public static final class Arguments {
    public String getCity() {
      return "Paris";
    }
  }

  /** Any class annotation makes Jackson build an empty bean serializer instead of its unknown one. */
  @Deprecated
  static final class Annotated {
    private final String model = "gpt-4o-mini";
  }

  /** The user told Jackson to leave this out: the fallback must not undo that. */
  static final class Ignored {
    @com.fasterxml.jackson.annotation.JsonIgnore private final String secret = "s3cr3t";
  }

  final class Inner {
    private final int value = 7;
  }

  private JsonNode captured(Object value) throws Exception {
    return json.readTree(capture.value(value).json());
  }

  @Test
  void anObjectWithoutGettersIsCapturedByItsFields() throws Exception {
    JsonNode node = captured(new Message("alice", new Text("what is the weather?")));

    assertEquals("Message", node.get("$type").asText());
    assertEquals("alice", node.get("name").asText());
    assertEquals("what is the weather?", node.get("contents").get(0).get("text").asText());
    assertEquals("Text", node.get("contents").get(0).get("$type").asText());
  }

  @Test
  void inheritedFieldsNestedBeansAndNullsAreHandled() throws Exception {
    JsonNode node = captured(new ToolCallingMessage("calling a tool", new Call("call_1", new Arguments())));

    assertEquals("ToolCallingMessage", node.get("$type").asText());
    assertEquals("calling a tool", node.at("/contents/0/text").asText());
    assertEquals("call_1", node.at("/calls/0/id").asText());
    assertEquals("Paris", node.at("/calls/0/arguments/city").asText(), "a bean inside is written by its getters");
    assertFalse(node.has("absent"), "null fields are left out");
    assertFalse(node.has("name"), "null fields are left out");
  }

  @Test
  void anAnnotatedClassWithoutGettersIsCapturedByItsFieldsToo() throws Exception {
    assertEquals("gpt-4o-mini", captured(new Annotated()).get("model").asText());
  }

  @Test
  void propertiesIgnoredOnPurposeStayOut() throws Exception {
    assertFalse(captured(new Ignored()).toString().contains("s3cr3t"));
  }

  @Test
  void anInnerClassDoesNotDragItsOuterInstanceIn() throws Exception {
    JsonNode node = captured(new Inner());
    assertEquals(7, node.get("value").asInt());
    assertEquals(2, node.size(), node.toString());
  }

  @Test
  void aClassTheModuleSystemClosesIsAMarkerWithTypeAndToString() throws Exception {
    StringJoiner joiner = new StringJoiner(", ").add("a").add("b");
    JsonNode node = captured(joiner);
    assertEquals(StringJoiner.class.getName(), node.get("$type").asText());
    assertEquals("a, b", node.get("$toString").asText());
  }

  @Test
  void anObjectWithNoFieldsIsAMarkerToo() throws Exception {
    Object plain = new Object();
    JsonNode node = captured(Map.of("o", plain));
    assertEquals("java.lang.Object", node.at("/o/$type").asText());
    assertEquals(plain.toString(), node.at("/o/$toString").asText());
  }

  @Test
  void argumentsObjectsAreCapturedByFieldsAndTheNextCaptureIsClean() throws Exception {
    Captured args =
        capture.arguments(ContentCapture.keys(new String[] {"messages", "n"}), new Object[] {List.of(new Message("u", new Text("hi"))), 2});
    JsonNode node = json.readTree(args.json());
    assertEquals("hi", node.at("/messages/0/contents/0/text").asText());
    assertEquals(2, node.get("n").asInt());
    assertTrue(new String(capture.value(List.of(1)).json()).equals("[1]"));
  }
}
