package dev.tracewright.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible {@code /chat/completions} endpoint on 127.0.0.1, played by the JDK's HTTP
 * server: a request offering tools gets tool calls for {@code getWeather}; one that already carries
 * tool results (or offers no tools) gets the final answer. Every reply reports usage with cached
 * prompt tokens, as JSON or as server-sent events when the request asks to stream.
 */
final class FakeOpenAi implements AutoCloseable {
  static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";
  static final String ANSWER = "It is sunny in Paris.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  volatile int toolCallsPerTurn = 1;
  volatile int failWithStatus; // 0: answer normally
  volatile String toolArguments; // null: {"city": ...}

  FakeOpenAi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      requests.add(request);
      if (failWithStatus != 0) {
        byte[] body = ("{\"error\":{\"message\":\"model unavailable (status " + failWithStatus + ")\",\"type\":\"server_error\"}}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(failWithStatus, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      boolean toolTurn = request.has("tools") && !hasToolResults(request);
      if (request.path("stream").asBoolean()) {
        stream(exchange, toolTurn);
      } else {
        byte[] body = JSON.writeValueAsBytes(completion(toolTurn));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    }
  }

  private static boolean hasToolResults(JsonNode request) {
    for (JsonNode m : request.path("messages")) {
      if ("tool".equals(m.path("role").asText())) {
        return true;
      }
    }
    return false;
  }

  private ObjectNode completion(boolean toolTurn) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", toolTurn ? "chatcmpl-tools" : "chatcmpl-answer");
    root.put("object", "chat.completion");
    root.put("model", RESPONSE_MODEL);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (toolTurn) {
      message.putNull("content");
      toolCalls(message.putArray("tool_calls"), false);
      choice.put("finish_reason", "tool_calls");
    } else {
      message.put("content", ANSWER);
      choice.put("finish_reason", "stop");
    }
    root.set("usage", usage(toolTurn));
    return root;
  }

  private void toolCalls(ArrayNode calls, boolean indexed) {
    String[] cities = {"Paris", "Lyon", "Nice"};
    for (int i = 0; i < toolCallsPerTurn; i++) {
      ObjectNode call = calls.addObject();
      if (indexed) {
        call.put("index", i);
      }
      call.put("id", "call_" + (i + 1));
      call.put("type", "function");
      ObjectNode function = call.putObject("function");
      function.put("name", "getWeather");
      function.put("arguments", toolArguments != null ? toolArguments : "{\"city\":\"" + cities[i % cities.length] + "\"}");
    }
  }

  /** Tool turn: 120 in (100 cached), 30 out; answer turn: 200 in (150 cached), 20 out. */
  static ObjectNode usage(boolean toolTurn) {
    ObjectNode usage = JSON.createObjectNode();
    usage.put("prompt_tokens", toolTurn ? 120 : 200);
    usage.put("completion_tokens", toolTurn ? 30 : 20);
    usage.put("total_tokens", toolTurn ? 150 : 220);
    usage.putObject("prompt_tokens_details").put("cached_tokens", toolTurn ? 100 : 150);
    return usage;
  }

  private void stream(HttpExchange exchange, boolean toolTurn) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    if (toolTurn) {
      ObjectNode root = chunk(null);
      toolCalls(((ObjectNode) root.at("/choices/0/delta")).putArray("tool_calls"), true);
      send(out, root);
      send(out, finish("tool_calls"));
    } else {
      for (String piece : new String[] {"It is ", "sunny ", "in Paris."}) {
        send(out, chunk(piece));
      }
      send(out, finish("stop"));
    }
    ObjectNode last = chunkRoot();
    last.putArray("choices");
    last.set("usage", usage(toolTurn));
    send(out, last);
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static ObjectNode chunkRoot() {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-stream");
    root.put("object", "chat.completion.chunk");
    root.put("model", RESPONSE_MODEL);
    return root;
  }

  /** A chunk whose delta carries {@code content}, if any. */
  private static ObjectNode chunk(String content) {
    ObjectNode root = chunkRoot();
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    delta.put("role", "assistant");
    if (content != null) {
      delta.put("content", content);
    }
    return root;
  }

  private static ObjectNode finish(String reason) {
    ObjectNode root = chunkRoot();
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.put("finish_reason", reason);
    return root;
  }

  private static void send(OutputStream out, ObjectNode node) throws IOException {
    out.write(("data: " + JSON.writeValueAsString(node) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
