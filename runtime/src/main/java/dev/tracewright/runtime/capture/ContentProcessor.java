package dev.tracewright.runtime.capture;

import dev.tracewright.runtime.store.BlobRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns captured bytes into what is stored: a redacted preview on the span and, under the full
 * policies, the redacted content as a blob addressed by its SHA-256. Runs on the writer thread only
 * (it keeps one {@link MessageDigest}).
 */
public final class ContentProcessor {
  public static final String MEDIA_JSON = "application/json";
  public static final String MEDIA_TEXT = "text/plain";
  private static final String ELLIPSIS = "…";

  private final Redactor redactor;
  private final int previewChars;
  private final MessageDigest sha256;

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
    String text = new String(captured.json(), StandardCharsets.UTF_8);
    if (captured.truncated()) {
      // The cut may split a multi-byte character; the decoder already replaced it.
      text = text + ELLIPSIS + "[truncated at " + captured.json().length + " bytes]";
    }
    String clean = redact(text);
    String preview = clean.length() <= previewChars ? clean : clean.substring(0, previewChars) + ELLIPSIS;
    BlobRecord blob = null;
    if (keepBlob) {
      byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
      String hash = HexFormat.of().formatHex(sha256.digest(bytes));
      blob = new BlobRecord(hash, captured.truncated() ? MEDIA_TEXT : MEDIA_JSON, bytes);
    }
    return new Processed(preview, blob, clean);
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
