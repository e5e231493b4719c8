package dev.tracewright.runtime.capture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Serializes arguments and return values to JSON on the application thread: the only capture work
 * done there. Any user object is accepted: whatever Jackson cannot write (cycles, nesting beyond
 * Jackson's depth limit, throwing getters, a stack overflow) becomes a small marker object, and
 * output stops at the size limit, so a 100 MB string costs at most the limit.
 *
 * <p>Default typing is never enabled: captured JSON carries no class names to be trusted later.
 */
public final class ContentCapture {
  public static final String UNSERIALIZABLE = "$unserializable";
  private static final int MAX_REASON = 200;

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  private final int maxBytes;

  public ContentCapture(int maxBytes) {
    if (maxBytes < 64) {
      throw new IllegalArgumentException("content limit must be at least 64 bytes: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    this.factory = mapper.getFactory();
  }

  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Arguments as one JSON object keyed by parameter name, in declaration order. Each value is
   * serialized on its own (a failure in one cannot corrupt the object around it) and the object is
   * assembled from the bytes: no generator is open around another, so Jackson's thread-local
   * buffers are reused instead of allocated per argument.
   */
  public Captured arguments(String[] names, Object[] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 32 * names.length);
    out.write('{');
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write('"');
      byte[] name = JsonStringEncoder.getInstance().quoteAsUTF8(names[i]);
      out.write(name, 0, name.length);
      out.write('"');
      out.write(':');
      int room = maxBytes - out.size();
      if (room <= 0) {
        return new Captured(out.toByteArray(), true);
      }
      Captured one = value(i < values.length ? values[i] : null, room);
      out.write(one.json(), 0, one.json().length);
      if (one.truncated()) {
        return new Captured(out.toByteArray(), true);
      }
    }
    if (out.size() >= maxBytes) {
      return new Captured(out.toByteArray(), true); // exactly full: no room for the closing brace
    }
    out.write('}');
    return new Captured(out.toByteArray(), false);
  }

  /** One value (a return value, a single input) as JSON. */
  public Captured value(Object value) {
    return value(value, maxBytes);
  }

  private Captured value(Object value, int limit) {
    CappedBuffer out = new CappedBuffer(limit);
    try {
      mapper.writeValue(out, value);
      return new Captured(out.toByteArray(), false);
    } catch (Throwable t) { // NOPMD: user objects may throw anything from getters
      if (out.exceeded) {
        return new Captured(out.toByteArray(), true);
      }
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        throw (VirtualMachineError) t;
      }
      return marker(value, t);
    }
  }

  private Captured marker(Object value, Throwable cause) {
    String type = value == null ? "null" : value.getClass().getName();
    String reason = cause.getClass().getSimpleName();
    String message = cause instanceof StackOverflowError ? "nesting too deep" : firstLine(cause.getMessage());
    if (message != null) {
      reason += ": " + message;
    }
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON) + "...";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField(UNSERIALIZABLE, type + ": " + reason);
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e); // writing two strings to memory cannot fail
    }
    return new Captured(out.toByteArray(), false);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return null;
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Collects bytes up to a limit, then refuses more by throwing, which stops Jackson early. */
  private static final class CappedBuffer extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final int limit;
    boolean exceeded;

    CappedBuffer(int limit) {
      this.limit = limit;
    }

    int remaining() {
      return Math.max(0, limit - bytes.size());
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int room = limit - bytes.size();
      if (len > room) {
        bytes.write(b, off, Math.max(0, room));
        exceeded = true;
        throw new IOException("content limit of " + limit + " bytes reached");
      }
      bytes.write(b, off, len);
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }
}
