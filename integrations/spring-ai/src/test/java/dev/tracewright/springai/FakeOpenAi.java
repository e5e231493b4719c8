package dev.tracewright.springai;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * OpenAI's {@code /chat/completions} played on 127.0.0.1: answers each request with the next scripted
 * response (status and JSON body) and keeps the request bodies.
 */
final class FakeOpenAi implements AutoCloseable {
  record Reply(int status, String body, String contentType) {
    Reply(int status, String body) {
      this(status, body, "application/json");
    }
  }

  private final HttpServer server;
  private final Deque<Reply> replies = new ArrayDeque<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  FakeOpenAi(Reply... script) throws IOException {
    replies.addAll(List.of(script));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Reply reply;
        synchronized (replies) {
          reply = exchange.getRequestURI().getPath().endsWith("/chat/completions") ? replies.poll() : null;
        }
        if (reply == null) {
          reply = new Reply(404, "{\"error\":{\"message\":\"no scripted reply\",\"type\":\"test\"}}");
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
  }

  /** The base URL to configure, as OpenAI's {@code https://api.openai.com/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  static Reply toolCall(String id, String tool, String argumentsJson, int promptTokens, int completionTokens) {
    String arguments = argumentsJson.replace("\\", "\\\\").replace("\"", "\\\"");
    return new Reply(200, """
        {"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini-2024-07-18",
         "choices":[{"index":0,"logprobs":null,"finish_reason":"tool_calls",
           "message":{"role":"assistant","content":null,"refusal":null,
             "tool_calls":[{"id":"%s","type":"function","function":{"name":"%s","arguments":"%s"}}]}}],
         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
        """.formatted(id, tool, arguments, promptTokens, completionTokens, promptTokens + completionTokens));
  }

  static Reply answer(String text, int promptTokens, int completionTokens) {
    return answer(text, promptTokens, completionTokens, 0);
  }

  /** An answer whose prompt was partly served from OpenAI's prompt cache. */
  static Reply answer(String text, int promptTokens, int completionTokens, int cachedTokens) {
    return new Reply(200, """
        {"id":"chatcmpl-2","object":"chat.completion","created":1767225601,"model":"gpt-4o-mini-2024-07-18",
         "choices":[{"index":0,"logprobs":null,"finish_reason":"stop",
           "message":{"role":"assistant","content":"%s","refusal":null}}],
         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,"prompt_tokens_details":{"cached_tokens":%d}}}
        """.formatted(text, promptTokens, completionTokens, promptTokens + completionTokens, cachedTokens));
  }

  /** A streamed answer: one server-sent event per piece, then the finish reason, then usage. */
  static Reply streamedAnswer(List<String> pieces, int promptTokens, int completionTokens) {
    StringBuilder events = new StringBuilder();
    String head = "{\"id\":\"chatcmpl-3\",\"object\":\"chat.completion.chunk\",\"created\":1767225602,\"model\":\"gpt-4o-mini-2024-07-18\",";
    for (int i = 0; i < pieces.size(); i++) {
      String role = i == 0 ? "\"role\":\"assistant\"," : "";
      events.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":null,\"delta\":{")
          .append(role).append("\"content\":\"").append(pieces.get(i)).append("\"}}]}\n\n");
    }
    events.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\",\"delta\":{}}]}\n\n");
    events.append("data: ").append(head).append("\"choices\":[],\"usage\":{\"prompt_tokens\":").append(promptTokens)
        .append(",\"completion_tokens\":").append(completionTokens).append(",\"total_tokens\":").append(promptTokens + completionTokens)
        .append("}}\n\n");
    events.append("data: [DONE]\n\n");
    return new Reply(200, events.toString(), "text/event-stream");
  }

  /**
   * A streamed tool call, as OpenAI sends it: the call's ID and name in the first chunk, its arguments
   * in pieces after it, then the finish reason {@code tool_calls}, then usage.
   */
  static Reply streamedToolCall(String id, String tool, List<String> argumentPieces, int promptTokens, int completionTokens) {
    StringBuilder events = new StringBuilder();
    String head = "{\"id\":\"chatcmpl-4\",\"object\":\"chat.completion.chunk\",\"created\":1767225603,\"model\":\"gpt-4o-mini-2024-07-18\",";
    events.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":null,\"delta\":{")
        .append("\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"").append(id)
        .append("\",\"type\":\"function\",\"function\":{\"name\":\"").append(tool).append("\",\"arguments\":\"\"}}]}}]}\n\n");
    for (String piece : argumentPieces) {
      events.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":null,\"delta\":{")
          .append("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"")
          .append(piece.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"}}]}}]}\n\n");
    }
    events.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":\"tool_calls\",\"delta\":{}}]}\n\n");
    events.append("data: ").append(head).append("\"choices\":[],\"usage\":{\"prompt_tokens\":").append(promptTokens)
        .append(",\"completion_tokens\":").append(completionTokens).append(",\"total_tokens\":").append(promptTokens + completionTokens)
        .append("}}\n\n");
    events.append("data: [DONE]\n\n");
    return new Reply(200, events.toString(), "text/event-stream");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
