package dev.tracewright.runtime.replay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One recorded input or output as it was stored: already redacted, possibly cut short.
 *
 * <p>{@code hash} is the SHA-256 (lower-case hex) of the stored text as UTF-8. For content kept in
 * the blob store that is the blob's own hash (the {@code input_ref}/{@code output_ref} column); for
 * a preview it is the hash of the preview text. So two recordings of the same value under the same
 * policy have the same hash, and a hash can be compared without the content itself (a JSONL file
 * exported without {@code --content} keeps the hash: then {@code json} is null and the state is
 * {@link State#ABSENT}).
 *
 * @param json the stored JSON text, or null when nothing is available
 * @param hash SHA-256 hex of the stored text, or null when nothing was captured
 */
public record RecordedContent(String json, String hash, State state) {
  /** Nothing captured: a void method, an error, METADATA_ONLY, or content left out of an export. */
  public static final RecordedContent NONE = new RecordedContent(null, null, State.ABSENT);

  /** The marker {@code ContentProcessor} appends to content cut at the capture limit. */
  private static final Pattern TRUNCATION_MARKER = Pattern.compile("…\\[truncated at \\d+ bytes\\]$");
  /** The marker that replaces content dropped to bound the queued bytes ({@code ContentDrop}). */
  private static final String DROPPED_PREFIX = "{\"$contentDropped\":";

  /** What the stored text is worth for replay: only FULL is the whole value. */
  public enum State {
    /** The whole value, redacted (a redacted value comes back redacted). */
    FULL,
    /** Only the preview (REDACTED_PREVIEW policy, or the full content is missing): possibly cut. */
    PREVIEW,
    /** Not the whole value: cut at the capture limit, or dropped to bound memory (json is the marker). */
    TRUNCATED,
    /** No content: see {@link RecordedContent#NONE}. */
    ABSENT
  }

  public RecordedContent {
    if (state == null) {
      throw new IllegalArgumentException("state is required");
    }
  }

  /** True when the value can be read back whole. */
  public boolean isFull() {
    return state == State.FULL;
  }

  /**
   * Content as the store keeps it: the blob's text when there is a blob (FULL, or TRUNCATED when
   * it carries a truncation or drop marker), else the preview.
   *
   * @param ref the blob hash column, or null
   * @param blobText the blob's text, or null when there is no blob or it is missing
   */
  public static RecordedContent stored(String preview, String ref, String blobText) {
    if (ref != null && blobText != null) {
      return new RecordedContent(blobText, ref, stateOfFullText(blobText));
    }
    if (preview != null) {
      return new RecordedContent(preview, sha256(preview), State.PREVIEW);
    }
    return NONE;
  }

  /** FULL, or TRUNCATED when the text ends in the truncation marker or is the drop marker. */
  public static State stateOfFullText(String text) {
    if (text.startsWith(DROPPED_PREFIX) || TRUNCATION_MARKER.matcher(text).find()) {
      return State.TRUNCATED;
    }
    return State.FULL;
  }

  /** SHA-256 of the text's UTF-8 bytes as lower-case hex: the blob store's content address. */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
