package dev.tracewright.cli.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /v1/traces}: OTLP/HTTP, protobuf ({@code application/x-protobuf}) or JSON
 * ({@code application/json}), optionally gzip, with the caller's key ({@link Authenticator}; 401
 * without a valid one once the store has keys). Answers as OTLP asks: 200 with an
 * {@code ExportTraceServiceResponse} in the request's encoding (its partial success counts the spans
 * refused, and why); 400 with a reason for a body that does not parse; 413 over the size limit
 * (compressed or not); 415 for another content type; 429 with {@code Retry-After} when the ingest
 * queue is full, which the OpenTelemetry exporters retry; 503 with {@code Retry-After} when the
 * store fails. Errors are a JSON {@code {"error": "..."}}, short and without stack traces.
 */
final class IngestHandler extends Handler.Abstract {
  static final String PATH = "/v1/traces";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  /**
   * Memory a decoded body takes, per byte: a protobuf request and its rows about 4 times the body; a
   * JSON one goes through a Jackson tree first (small objects for every value), so much more.
   */
  static final int PROTOBUF_COST = 4;
  static final int JSON_COST = 16;

  /** Seconds a client waits before retrying a refused request. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final IngestWriter writer;
  private final Admission admission;
  private final Authenticator auth;
  private final long maxBodyBytes;
  private final long answerWithinMillis;

  IngestHandler(IngestWriter writer, Admission admission, Authenticator auth, long maxBodyBytes, long answerWithinMillis) {
    this.writer = writer;
    this.admission = admission;
    this.auth = auth;
    this.maxBodyBytes = maxBodyBytes;
    this.answerWithinMillis = answerWithinMillis;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!PATH.equals(request.getHttpURI().getPath())) {
      error(response, callback, 404, "no such endpoint: OTLP/HTTP traces go to POST " + PATH);
      return true;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      error(response, callback, 405, "only POST: " + PATH + " takes OTLP/HTTP trace exports");
      return true;
    }
    Authenticator.Verdict who;
    try {
      who = auth.check(request.getHeaders().get(HttpHeader.AUTHORIZATION)); // a key in the URL is never read
    } catch (java.sql.SQLException e) {
      System.err.println("tracewright server: reading the API keys failed: " + e.getMessage()); // the details for the operator, not the client
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      error(response, callback, 503, "the server could not check the key now; retry");
      return true;
    }
    if (!who.allowed()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      error(response, callback, 401, who.reason());
      return true;
    }
    String type = mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    boolean json = JSON.equals(type);
    if (!json && !PROTOBUF.equals(type)) {
      error(response, callback, 415, "Content-Type must be " + PROTOBUF + " or " + JSON + ", not '" + clip(type) + "'");
      return true;
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean gzip = "gzip".equalsIgnoreCase(encoding);
    if (encoding != null && !gzip && !"identity".equalsIgnoreCase(encoding)) {
      error(response, callback, 415, "Content-Encoding must be gzip (or none), not '" + clip(encoding) + "'");
      return true;
    }
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      error(response, callback, 413, "the body is " + declared + " bytes; this server takes at most " + maxBodyBytes + " a request");
      return true;
    }
    long[] reserved = {0}; // bytes of memory reserved for this request
    Runnable release = () -> admission.release(reserved[0]);
    byte[] body;
    try {
      body = read(request, gzip, reserved, json ? JSON_COST : PROTOBUF_COST);
    } catch (TooLarge e) {
      release.run();
      error(response, callback, 413, "the body is larger than this server takes (" + maxBodyBytes + " bytes a request, after gzip)");
      return true;
    } catch (Busy e) {
      release.run();
      busy(response, callback, "the server holds as many requests as its memory allows");
      return true;
    } catch (java.util.zip.ZipException e) {
      release.run();
      error(response, callback, 400, "the body is not valid gzip: " + clip(e.getMessage()));
      return true;
    } catch (IOException e) {
      // The connection broke or timed out while the body came: a retry can succeed, so not a 400.
      release.run();
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      error(response, callback, 503, "the body could not be read to its end; retry");
      return true;
    }
    ExportTraceServiceRequest export;
    try {
      export = json ? OtlpJson.read(body) : ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      release.run();
      error(response, callback, 400, "the body is not an OTLP ExportTraceServiceRequest in protobuf: " + clip(e.getMessage()));
      return true;
    } catch (IllegalArgumentException e) {
      release.run();
      error(response, callback, 400, "the body is not an OTLP ExportTraceServiceRequest in JSON: " + clip(e.getMessage()));
      return true;
    }
    body = null; // the decoded request is what waits now
    CompletableFuture<IngestWriter.Result> done = writer.offer(export, release, who.project());
    if (done == null) {
      release.run();
      busy(response, callback, "the ingest queue is full");
      return true;
    }
    IngestWriter.Result result;
    try {
      result = done.get(answerWithinMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Still queued or being written: the client's retry is merged with it, never stored twice.
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      error(response, callback, 503, "the store is slow: not written within " + answerWithinMillis + " ms; retry");
      return true;
    } catch (ExecutionException e) {
      System.err.println("tracewright server: writing a request failed: " + e.getCause());
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      error(response, callback, 503, "the store could not write the spans now; retry");
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(response, callback, 503, "the server is stopping; retry");
      return true;
    }
    ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
    if (result.rejected() > 0) {
      answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(result.rejected())
          .setErrorMessage(result.rejectedReason()));
    }
    if (json) {
      String partial = result.rejected() == 0 ? "{}"
          : "{\"partialSuccess\":{\"rejectedSpans\":\"" + result.rejected() + "\",\"errorMessage\":" + quote(result.rejectedReason()) + "}}";
      send(response, callback, 200, JSON, partial.getBytes(StandardCharsets.UTF_8));
    } else {
      send(response, callback, 200, PROTOBUF, answer.build().toByteArray());
    }
    return true;
  }

  private static final class TooLarge extends IOException {
    TooLarge() {
      super("too large");
    }
  }

  private static final class Busy extends IOException {
    Busy() {
      super("busy");
    }
  }

  private static void busy(Response response, Callback callback, String why) {
    response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
    error(response, callback, 429, why + ": retry after " + RETRY_AFTER_SECONDS + " s");
  }

  /**
   * The body, gunzipped, refused past the limit while it is read (a small gzip can inflate to
   * gigabytes), its memory reserved from {@link Admission} as it grows ({@code reserved[0]}: the
   * body bytes reserved so far, for the caller to release).
   */
  private byte[] read(Request request, boolean gzip, long[] reserved, int cost) throws IOException {
    try (InputStream raw = Content.Source.asInputStream(request); InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (!admission.reserve(n, reserved[0], cost)) {
          // Read the rest without keeping it: a client still sending when the answer comes and the
          // connection closes sees a broken connection, not the 429 it would retry on.
          out = null;
          for (long skipped = 0; skipped <= maxBodyBytes && raw.read(buffer) >= 0; skipped += buffer.length) {
            // discarded
          }
          throw new Busy();
        }
        reserved[0] += (long) n * cost;
        out.write(buffer, 0, n);
        if (out.size() > maxBodyBytes) {
          throw new TooLarge();
        }
      }
      return out.toByteArray();
    }
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  static void error(Response response, Callback callback, int status, String message) {
    send(response, callback, status, JSON + "; charset=utf-8", ("{\"error\":" + quote(message) + "}\n").getBytes(StandardCharsets.UTF_8));
  }

  static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON_TEXT = new com.fasterxml.jackson.databind.ObjectMapper();

  private static String quote(String s) {
    try {
      return JSON_TEXT.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "\"\"";
    }
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    String line = s.replaceAll("[\\r\\n\\t]+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }
}
