package dev.tracewright.runtime.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The content search filter: {@code traces.content_words}, a Bloom filter of the words of each
 * trace's stored content (inputs and outputs, previews and full, and error messages). A search for a
 * phrase walks traces newest first and reads the content only of those whose filter holds every word
 * of it; the others are passed over by one {@code BITAND} of {@link #BYTES} bytes in H2, so a search
 * costs the traces it walks, not their content.
 *
 * <p>Why a filter per trace and not an inverted index (a row per word and trace): an index row cost
 * H2 25-35 µs to insert (measured on a 1 M-span file), which for a few hundred words a trace would
 * have made the agent's writer ten times slower; the filter costs one {@code UPDATE} per trace and
 * batch. With {@link #HASHES} bits a word in {@link #BYTES} bytes, a trace of 300 distinct words
 * passes for a word it lacks about 0.8% of the time (14% at 1,000 words), and a phrase of two words
 * about the square of that; those few are then read and dropped.
 *
 * <p>A word is a run of letters and digits, lower-cased, from 2 characters, its first
 * {@link #MAX_WORD} counted; a JSON escape ({@code \n}, {@code \u00e9}) separates words. Only the
 * first {@link #MAX_CHARS_READ} characters of a value are read.
 */
public final class ContentWords {
  public static final int BYTES = 512;
  public static final int HASHES = 3;
  public static final int MAX_WORD = 40;
  public static final int MAX_CHARS_READ = 256 * 1024;

  private static final int BITS = BYTES * 8;
  private static final String JSON_ESCAPES = "nrtbfu\"\\/";
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Adds a batch's words to a trace's filter, creating it the first time, in the writer's transaction. */
  static final String ADD =
      "UPDATE traces SET content_words = BITOR(COALESCE(content_words, X'" + "00".repeat(BYTES) + "'), CAST(? AS VARBINARY(" + BYTES + ")))"
          + " WHERE trace_id = ?";

  private ContentWords() {}

  /** A filter holding the words of {@code text}. */
  public static byte[] of(CharSequence text) {
    byte[] filter = new byte[BYTES];
    add(text, filter);
    return filter;
  }

  /** Whether a phrase has any word to look for (a search for "?!" has none). */
  public static boolean hasWords(CharSequence text) {
    byte[] filter = of(text);
    for (byte b : filter) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }

  /** Sets the bits of the words of {@code text} (its first {@link #MAX_CHARS_READ} characters) in {@code filter}. */
  public static void add(CharSequence text, byte[] filter) {
    if (text == null) {
      return;
    }
    int n = Math.min(text.length(), MAX_CHARS_READ);
    long hash = FNV_OFFSET;
    int length = 0;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? text.charAt(i) : ' ';
      if (c == '\\' && i + 1 < n && JSON_ESCAPES.indexOf(text.charAt(i + 1)) >= 0) {
        // Content is mostly JSON as stored: "line\nnext" holds the words line and next, not nnext.
        i += text.charAt(i + 1) == 'u' ? Math.min(5, n - i - 1) : 1;
        c = ' ';
      }
      if (Character.isLetterOrDigit(c)) {
        if (length < MAX_WORD) {
          hash = (hash ^ Character.toLowerCase(c)) * FNV_PRIME;
        }
        length++;
      } else {
        if (length >= 2) {
          set(hash, filter);
        }
        hash = FNV_OFFSET;
        length = 0;
      }
    }
  }

  /** The word's {@link #HASHES} bits, from the two halves of its hash (h1 + i * h2). */
  private static void set(long hash, byte[] filter) {
    int h1 = (int) hash;
    int h2 = (int) (hash >>> 32) | 1;
    for (int i = 0; i < HASHES; i++) {
      int bit = Math.floorMod(h1 + i * h2, BITS);
      filter[bit >>> 3] |= (byte) (1 << (bit & 7));
    }
  }

  /** The filter of each trace of a batch: its spans' previews and error messages and the full content of the batch's blobs they reference. */
  static Map<String, byte[]> ofBatch(WriteBatch batch) {
    Map<String, byte[]> filters = new HashMap<>();
    if (batch.spans().isEmpty()) {
      return filters;
    }
    Map<String, byte[]> blobs = new HashMap<>();
    for (BlobRecord b : batch.blobs()) {
      blobs.putIfAbsent(b.hash(), b.content());
    }
    for (SpanRecord s : batch.spans()) {
      byte[] filter = filters.computeIfAbsent(s.traceId(), k -> new byte[BYTES]);
      add(s.inputPreview(), filter);
      add(s.outputPreview(), filter);
      add(s.errorMessage(), filter);
      addBlob(blobs.get(s.inputRef()), filter);
      addBlob(blobs.get(s.outputRef()), filter);
    }
    return filters;
  }

  private static void addBlob(byte[] content, byte[] filter) {
    if (content != null) {
      add(new String(content, 0, Math.min(content.length, MAX_CHARS_READ * 4), StandardCharsets.UTF_8), filter);
    }
  }

  /** Adds filters to their traces' rows with the statement {@link #ADD}. */
  static void write(PreparedStatement add, Map<String, byte[]> filters) throws SQLException {
    if (filters.isEmpty()) {
      return;
    }
    for (Map.Entry<String, byte[]> e : filters.entrySet()) {
      add.setBytes(1, e.getValue());
      add.setString(2, e.getKey());
      add.addBatch();
    }
    add.executeBatch();
  }

  /**
   * Migration 10: the filters of an existing file, from one pass over its spans (H2's lazy
   * execution streams them, in the order of their time-ordered IDs, so a trace's spans come close
   * together), written every {@link #BACKFILL_TRACES} traces; a trace met again is added to.
   */
  static void backfill(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); PreparedStatement add = c.prepareStatement(ADD)) {
      st.execute("SET LAZY_QUERY_EXECUTION TRUE");
      try (ResultSet rs = st.executeQuery(
          "SELECT s.trace_id, s.input_preview, s.output_preview, s.error_message, i.content, o.content FROM spans s"
              + " LEFT JOIN blobs i ON i.hash = s.input_ref LEFT JOIN blobs o ON o.hash = s.output_ref")) {
        Map<String, byte[]> filters = new HashMap<>();
        while (rs.next()) {
          byte[] filter = filters.computeIfAbsent(rs.getString(1), k -> new byte[BYTES]);
          for (int column = 2; column <= 6; column++) {
            add(rs.getString(column), filter);
          }
          if (filters.size() > BACKFILL_TRACES) {
            write(add, filters);
            filters.clear();
          }
        }
        write(add, filters);
      } finally {
        st.execute("SET LAZY_QUERY_EXECUTION FALSE");
      }
    }
  }

  /** Traces whose filters the backfill holds before it writes them (a MB). */
  static final int BACKFILL_TRACES = 2_000;
}
