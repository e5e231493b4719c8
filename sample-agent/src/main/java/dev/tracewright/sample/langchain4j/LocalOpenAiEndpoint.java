package dev.tracewright.sample.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracewright.sample.OfflineModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline model behind an OpenAI-compatible {@code /v1/chat/completions} endpoint on 127.0.0.1,
 * so the LangChain4j variant runs its real OpenAI client with no network: a question with arithmetic
 * in it gets a {@code calculate} tool call first, then an answer quoting the tool's result; any other
 * question a canned answer. Usage is reported like the offline model's (a token per four characters).
 */
public final class LocalOpenAiEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARITHMETIC = Pattern.compile("[\\d(][\\d\\s.+\\-*/()]*[\\d)]");

  private final HttpServer server;
  private int calls;

  public LocalOpenAiEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      byte[] body = JSON.writeValueAsBytes(reply(request, ++calls));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static ObjectNode reply(JsonNode request, int call) {
    JsonNode messages = request.path("messages");
    JsonNode last = messages.get(messages.size() - 1);
    String question = lastUserText(messages);
    Matcher arithmetic = ARITHMETIC.matcher(question);
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-local-" + call);
    root.put("object", "chat.completion");
    root.put("model", OfflineModel.NAME);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    String text;
    if ("tool".equals(last.path("role").asText())) {
      text = "The calculator says " + last.path("content").asText() + ".";
      finish(choice, message, text);
    } else if (request.has("tools") && arithmetic.find()) {
      message.putNull("content");
      ObjectNode toolCall = message.putArray("tool_calls").addObject();
      toolCall.put("id", "call_" + call);
      toolCall.put("type", "function");
      toolCall.putObject("function").put("name", "calculate").put("arguments", JSON.createObjectNode().put("expression", arithmetic.group().strip()).toString());
      choice.put("finish_reason", "tool_calls");
      text = toolCall.toString();
    } else {
      // Honest about what it is, rather than echoing the question back as if it were an answer.
      text = "(offline stand-in model: it answers arithmetic through the calculator tool; set OPENAI_BASE_URL for a real answer to \""
          + question + "\")";
      finish(choice, message, text);
    }
    ObjectNode usage = root.putObject("usage");
    long in = (messages.toString().length() + 3) / 4;
    long out = (text.length() + 3) / 4;
    usage.put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
    return root;
  }

  private static void finish(ObjectNode choice, ObjectNode message, String text) {
    message.put("content", text);
    choice.put("finish_reason", "stop");
  }

  private static String lastUserText(JsonNode messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).path("role").asText())) {
        JsonNode content = messages.get(i).path("content");
        return content.isTextual() ? content.asText() : content.path(0).path("text").asText();
      }
    }
    return "";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
