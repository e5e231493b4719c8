package dev.tracewright.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Any OpenAI-compatible {@code /chat/completions} endpoint (OpenAI, a local Ollama at
 * {@code http://localhost:11434/v1}, vLLM, ...). Token usage comes from the response.
 */
public final class OpenAiCompatibleModel implements ChatModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String apiKey;
  private final String model;
  private final HttpClient http;

  public OpenAiCompatibleModel(String baseUrl, String apiKey, String model) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    try {
      this.endpoint = URI.create(base + "/chat/completions");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("OPENAI_BASE_URL is not a URL: " + baseUrl, e);
    }
    if (endpoint.getScheme() == null || !endpoint.getScheme().startsWith("http")) {
      throw new IllegalArgumentException("OPENAI_BASE_URL must be an http(s) URL: " + baseUrl);
    }
    this.apiKey = apiKey;
    this.model = model;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public ChatReply chat(List<Message> messages) throws LlmException {
    ObjectNode body = JSON.createObjectNode().put("model", model);
    ArrayNode array = body.putArray("messages");
    messages.forEach(m -> array.addObject().put("role", m.role()).put("content", m.content()));
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LlmException("cannot reach the model at " + endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException("interrupted while calling " + endpoint, e);
    }
    if (response.statusCode() / 100 != 2) {
      String detail = response.body().length() > 200 ? response.body().substring(0, 200) + "..." : response.body();
      throw new LlmException("the model at " + endpoint + " answered HTTP " + response.statusCode() + ": " + detail.strip(), null);
    }
    try {
      JsonNode json = JSON.readTree(response.body());
      String text = json.path("choices").path(0).path("message").path("content").asText(null);
      if (text == null) {
        throw new LlmException("the model at " + endpoint + " sent no choices[0].message.content", null);
      }
      JsonNode usage = json.path("usage");
      return new ChatReply(text, json.path("model").asText(model), usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
    } catch (IOException e) {
      throw new LlmException("the model at " + endpoint + " sent invalid JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return model + " at " + endpoint;
  }
}
