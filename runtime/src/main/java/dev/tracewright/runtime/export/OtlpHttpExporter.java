package dev.tracewright.runtime.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracewright.runtime.capture.LogSafe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OTLP/HTTP with JSON bodies: {@code POST <endpoint>/v1/traces} to an OpenTelemetry Collector,
 * Jaeger, Tempo, Phoenix or Langfuse. Retries only what the protocol calls retryable (429, 502, 503,
 * 504), honouring {@code Retry-After} up to a cap, with bounded exponential backoff; everything
 * else fails the batch at once. Counts exported, rejected (partial success) and failed spans.
 * Messages and {@link #toString()} show the endpoint without its user info and query string (a
 * hosted backend's key often travels there) and redact what the receiver answered.
 */
public final class OtlpHttpExporter implements SpanExporter {
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

  private final URI uri;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final int maxAttempts;
  private final Duration maxBackoff;
  private final HttpClient http;
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Spans accepted by the receiver, rejected by it (partial success), and lost to errors. */
  public record Stats(long exported, long rejected, long failed) {}

  private OtlpHttpExporter(Builder b) {
    this.uri = b.uri;
    this.headers = Map.copyOf(b.headers);
    this.timeout = b.timeout;
    this.maxAttempts = b.maxAttempts;
    this.maxBackoff = b.maxBackoff;
    this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
  }

  /** {@code http://localhost:4318} (the path {@code /v1/traces} is added unless already there). */
  public static Builder builder(String endpoint) {
    return new Builder(endpoint);
  }

  public URI uri() {
    return uri;
  }

  public Stats stats() {
    return new Stats(exported.get(), rejected.get(), failed.get());
  }

  @Override
  public void export(ExportBatch batch) throws IOException, InterruptedException {
    if (batch.spans().isEmpty()) {
      return;
    }
    byte[] body = OtlpJson.request(batch).toString().getBytes(StandardCharsets.UTF_8);
    int spans = batch.spans().size();
    Duration backoff = Duration.ofMillis(500);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(request(body), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        failed.addAndGet(spans);
        throw new IOException("OTLP export to " + LogSafe.uri(uri) + " failed: " + LogSafe.describe(e));
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        long rejectedHere = rejectedSpans(response.body());
        rejected.addAndGet(rejectedHere);
        exported.addAndGet(spans - rejectedHere);
        return;
      }
      if (!RETRYABLE.contains(status) || attempt >= maxAttempts) {
        failed.addAndGet(spans);
        throw new IOException("OTLP export to " + LogSafe.uri(uri) + " answered HTTP " + status
            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + snippet(response.body()));
      }
      Duration wait = retryAfter(response).orElse(backoff);
      Thread.sleep(min(wait, maxBackoff).toMillis());
      backoff = min(backoff.multipliedBy(2), maxBackoff);
    }
  }

  private HttpRequest request(byte[] body) {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(r::header);
    return r.build();
  }

  /** Retry-After as seconds or an HTTP date. */
  static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      String value = v.strip();
      try {
        return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
      } catch (NumberFormatException e) {
        try {
          Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          Duration d = Duration.between(Instant.now(), at);
          return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException ignored) {
          return java.util.Optional.empty();
        }
      }
    });
  }

  private static long rejectedSpans(String body) {
    if (body == null || body.isBlank()) {
      return 0;
    }
    try {
      JsonNode partial = OtlpJson.JSON.readTree(body).path("partialSuccess");
      return partial.path("rejectedSpans").asLong(0);
    } catch (IOException e) {
      return 0; // a 2xx with a body that is not OTLP JSON: the spans were accepted
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String snippet(String body) {
    String s = body == null ? "" : body.strip();
    return LogSafe.text(s.length() > 200 ? s.substring(0, 200) + "..." : s);
  }

  @Override
  public String toString() {
    return "OtlpHttpExporter[" + LogSafe.uri(uri) + "]";
  }

  public static final class Builder {
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(10);
    private int maxAttempts = 5;
    private Duration maxBackoff = Duration.ofSeconds(30);

    private Builder(String endpoint) {
      this.uri = parse(endpoint);
    }

    private static URI parse(String endpoint) {
      String hint = "OTLP endpoint must be an http(s) URL such as http://localhost:4318, not '" + LogSafe.url(endpoint) + "'";
      if (endpoint == null || endpoint.isBlank()) {
        throw new IllegalArgumentException(hint);
      }
      URI base;
      try {
        base = new URI(endpoint.strip());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(hint); // the cause would quote the raw URL
      }
      if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https")) || base.getHost() == null) {
        throw new IllegalArgumentException(hint);
      }
      String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
      if (!path.endsWith("/v1/traces")) {
        path += "/v1/traces";
      }
      String query = base.getRawQuery() == null ? "" : "?" + base.getRawQuery();
      return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + query);
    }

    /** A header on every request, such as an API key for a hosted backend. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Per request (default 10 s). */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** Attempts per batch on 429/502/503/504 (default 5). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Longest wait between attempts, Retry-After included (default 30 s). */
    public Builder maxBackoff(Duration maxBackoff) {
      if (maxBackoff == null || maxBackoff.isNegative()) {
        throw new IllegalArgumentException("maxBackoff must not be negative");
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    public OtlpHttpExporter build() {
      return new OtlpHttpExporter(this);
    }
  }
}
