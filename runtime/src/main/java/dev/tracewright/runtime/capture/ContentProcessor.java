package dev.tracewright.runtime.capture;

import dev.tracewright.runtime.store.BlobRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Turns captured bytes into what is stored: a redacted preview on the span and, under the full
 * policies, the redacted content as a blob addressed by its SHA-256. Runs on the writer thread only
 * (it keeps one {@link MessageDigest}).
 */
public final class ContentProcessor {
  public static final String MEDIA_JSON = "application/json";
  public static final String MEDIA_TEXT = "text/plain";
  static final String SECRET = PatternRedactor.marker("secret");
  private static final String ELLIPSIS = "…";
  /** Names longer than this are redacted each time instead of cached. */
  private static final int MAX_CACHED_NAME = 256;
  private static final int MAX_CACHED_NAMES = 1024;
  /** A cut word longer than this is dropped only in part: keys and tokens are shorter. */
  private static final int MAX_CUT_WORD = 4096;

  private final Redactor redactor;
  private final int previewChars;
  private final MessageDigest sha256;
  /**
   * Span, event and attribute names, models, thread names: the same few strings again and again
   * (a generated span's name is a compile-time constant), so each is redacted once, not per span.
   */
  private final Map<String, String> names = new HashMap<>();

  /** What one piece of content became. {@code blob} is null when only a preview is kept. */
  public record Processed(String preview, BlobRecord blob, String text) {
    public String ref() {
      return blob == null ? null : blob.hash();
    }
  }

  public ContentProcessor(Redactor redactor, int previewChars) {
    this.redactor = redactor;
    this.previewChars = previewChars;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public Processed process(Captured captured, boolean keepBlob) {
    if (captured == null) {
      return null;
    }
    // The cut may split a multi-byte character; the decoder already replaced it. The marker goes
    // on after redaction, so a key cut short (no END line) cannot swallow it.
    String text = new String(captured.json(), StandardCharsets.UTF_8);
    String clean = redact(captured.truncated() ? withoutCutWord(text) : text);
    if (captured.truncated()) {
      clean = clean + ELLIPSIS + "[truncated at " + captured.json().length + " bytes]";
    }
    String preview = clean.length() <= previewChars ? clean : clean.substring(0, previewChars) + ELLIPSIS;
    BlobRecord blob = null;
    if (keepBlob) {
      byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
      String hash = HexFormat.of().formatHex(sha256.digest(bytes));
      blob = new BlobRecord(hash, captured.truncated() ? MEDIA_TEXT : MEDIA_JSON, bytes);
    }
    return new Processed(preview, blob, clean);
  }

  /**
   * Text cut at a limit, without the word the cut went through: that word may be the start of a
   * key, too short now for its rule to recognise, and a key's first characters are still a leak.
   */
  public static String withoutCutWord(String text) {
    int end = text.length();
    int start = end;
    while (start > 0 && end - start < MAX_CUT_WORD && isWordChar(text.charAt(start - 1))) {
      start--;
    }
    return start == end ? text : text.substring(0, start);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || "_-+/=.~:@%".indexOf(c) >= 0;
  }

  /** A name or other short, repeated string, redacted through a small cache. */
  public String redactName(String name) {
    if (name == null || name.isEmpty()) {
      return name;
    }
    if (name.length() > MAX_CACHED_NAME) {
      return redact(name);
    }
    String clean = names.get(name);
    if (clean == null) {
      if (names.size() >= MAX_CACHED_NAMES) {
        names.clear(); // bounded: a stream of distinct names cannot grow the cache
      }
      clean = redact(name);
      names.put(name, clean);
    }
    return clean;
  }

  /**
   * An attribute value under its (raw) key. Booleans are kept. Under a secret-named key anything
   * else is hidden; a number is kept as a number unless the redactor changes its digits (a card
   * number); anything else is redacted as text.
   */
  public Object redactAttribute(String key, Object value) {
    if (value instanceof Boolean) {
      return value;
    }
    if (hidesValueOf(key)) {
      return SECRET;
    }
    if (value instanceof Number) {
      String digits = value.toString();
      String clean = redact(digits);
      return digits.equals(clean) ? value : clean;
    }
    String text;
    try {
      text = String.valueOf(value); // user code, on the writer thread: it may throw
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        throw (VirtualMachineError) t;
      }
      return "[toString() threw " + t.getClass().getName() + "]";
    }
    return redact(text);
  }

  /** An attribute whose value is a compile-time constant: cached like a name. */
  public String redactConstantAttribute(String key, String value) {
    return hidesValueOf(key) ? SECRET : redactName(value);
  }

  private boolean hidesValueOf(String key) {
    try {
      return redactor.hidesValueOf(key);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        throw (VirtualMachineError) t;
      }
      return true; // a redactor that fails hides rather than leaks
    }
  }

  /** Redacts, or returns the failure marker: a throwing redactor never lets the raw text through. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    try {
      String clean = redactor.redact(text);
      return clean == null ? Redactor.FAILED : clean;
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        throw (VirtualMachineError) t;
      }
      return Redactor.FAILED;
    }
  }
}
