package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls a test's {@link UiServer} over HTTP, as a page or a script does. */
final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ApiClient() {}

  static HttpResponse<String> get(UiServer server, String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A 200 JSON answer, parsed. */
  static JsonNode json(UiServer server, String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(server, pathAndQuery);
    assertEquals(200, r.statusCode(), pathAndQuery + " -> " + r.body());
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
    return JSON.readTree(r.body());
  }
}
