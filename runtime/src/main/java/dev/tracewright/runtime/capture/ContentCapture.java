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
import java.util.Arrays;

/**
 * Serializes arguments and return values to JSON on the application thread: the only capture work
 * done there. Any user object is accepted: whatever Jackson cannot write (cycles, nesting beyond
 * Jackson's depth limit, throwing getters, a stack overflow) becomes a small marker object, and
 * output stops at the size limit, so a 100 MB string costs at most the limit. An object with no bean
 * properties is written by its fields, never as {@code {}} (see {@link FieldFallback}).
 *
 * <p>Default typing is never enabled: captured JSON carries no class names to be trusted later.
 */
public final class ContentCapture {
  public static final String UNSERIALIZABLE = "$unserializable";
  private static final int MAX_REASON = 200;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
            .addModule(FieldFallback.module())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    this.factory = mapper.getFactory();
  }

  /** Parameter names encoded once as JSON keys ({@code "name":}), for a call site's every capture. */
  public static final class Keys {
    private final byte[][] encoded;

    private Keys(byte[][] encoded) {
      this.encoded = encoded;
    }
  }

  public static Keys keys(String[] names) {
    byte[][] encoded = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(names[i]);
      byte[] key = new byte[quoted.length + 3];
      key[0] = '"';
      System.arraycopy(quoted, 0, key, 1, quoted.length);
      key[key.length - 2] = '"';
      key[key.length - 1] = ':';
      encoded[i] = key;
    }
    return new Keys(encoded);
  }

  /**
   * Arguments as one JSON object keyed by parameter name, in declaration order. Each value is
   * serialized on its own (a failure in one cannot corrupt the object around it) and the object is
   * assembled from the bytes: no generator is open around another, so Jackson's thread-local
   * buffers are reused instead of allocated per argument.
   */
  public Captured arguments(Keys keys, Object[] values) {
    Scratch out = SCRATCH.get();
    int start = out.size;
    try {
      out.put('{');
      byte[][] names = keys.encoded;
      for (int i = 0; i < names.length; i++) {
        if (i > 0) {
          out.put(',');
        }
        out.putAll(names[i]);
        if (!writeValue(out, i < values.length ? values[i] : null, start + maxBytes)) {
          return new Captured(out.copy(start), true);
        }
      }
      if (out.size - start >= maxBytes) {
        return new Captured(out.copy(start), true); // exactly full: no room for the closing brace
      }
      out.put('}');
      return new Captured(out.copy(start), false);
    } finally {
      out.reset(start);
    }
  }

  /** One value (a return value, a single input) as JSON. */
  public Captured value(Object value) {
    Scratch out = SCRATCH.get();
    int start = out.size;
    try {
      boolean complete = writeValue(out, value, start + maxBytes);
      return new Captured(out.copy(start), !complete);
    } finally {
      out.reset(start);
    }
  }

  /**
   * Serializes {@code value} into the scratch buffer in place, up to {@code limit}; what cannot be
   * serialized becomes a marker. Returns false when the limit cut the value short.
   */
  private boolean writeValue(Scratch out, Object value, int limit) {
    int valueStart = out.size;
    if (valueStart >= limit) {
      return false;
    }
    int outerLimit = out.limit;
    out.limit = Math.min(limit, outerLimit);
    JsonGenerator generator = out.generator;
    out.generator = null; // taken: a nested capture on this thread makes its own
    try {
      if (generator == null) {
        generator = newGenerator(out);
      }
      mapper.writeValue(generator, value); // flushes into out (FLUSH_AFTER_WRITE_VALUE)
      out.generator = generator; // put back only after a clean write
      return true;
    } catch (Throwable t) { // NOPMD: user objects may throw anything from getters
      if (out.exceeded) {
        out.exceeded = false;
        return false;
      }
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        throw (VirtualMachineError) t;
      }
      out.size = valueStart;
      out.putAll(marker(value, t));
      return true;
    } finally {
      out.limit = outerLimit;
    }
  }

  /**
   * A generator that writes root values back to back into the thread's scratch buffer. Creating one
   * per value (what {@code writeValue(OutputStream, ..)} does) was a fifth of a capture's time.
   */
  private JsonGenerator newGenerator(Scratch out) throws IOException {
    JsonGenerator g = mapper.createGenerator(out); // with the mapper's generator settings
    g.setRootValueSeparator(null);
    return g;
  }

  private byte[] marker(Object value, Throwable cause) {
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
    return out.toByteArray();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return null;
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * A per-thread growable buffer that refuses bytes past its limit by throwing, which stops Jackson
   * early. Reused across calls (and nested use: each user restores the size it started at), so a
   * capture allocates only the bytes it returns.
   */
  private static final class Scratch extends OutputStream {
    private static final int KEEP = 64 * 1024; // larger buffers are dropped after use
    byte[] bytes = new byte[1024];
    int size;
    int limit = Integer.MAX_VALUE;
    boolean exceeded;
    /**
     * This thread's generator while no capture is using it. Taken for the duration of one value and
     * put back only after a clean write: after any failure its state is unknown, so it is dropped.
     */
    JsonGenerator generator;

    @Override
    public void write(int b) throws IOException {
      if (size >= limit) {
        exceeded = true;
        throw new IOException("content limit reached");
      }
      ensure(size + 1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int room = limit - size;
      if (len > room) {
        ensure(size + Math.max(0, room));
        System.arraycopy(b, off, bytes, size, Math.max(0, room));
        size += Math.max(0, room);
        exceeded = true;
        throw new IOException("content limit reached");
      }
      ensure(size + len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    @Override
    public void close() {
      // Jackson closes its target; this buffer lives on
    }

    void put(char c) {
      ensure(size + 1);
      bytes[size++] = (byte) c;
    }

    void putAll(byte[] b) {
      ensure(size + b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    byte[] copy(int from) {
      return Arrays.copyOfRange(bytes, from, size);
    }

    void reset(int to) {
      size = to;
      exceeded = false;
      if (to == 0 && bytes.length > KEEP) {
        bytes = new byte[1024]; // one huge capture should not pin megabytes per thread
      }
    }

    private void ensure(int capacity) {
      if (capacity > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
      }
    }
  }
}
