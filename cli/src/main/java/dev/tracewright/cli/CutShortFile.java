package dev.tracewright.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether an H2 file that was closed cleanly ends before its newest chunk does: a copy cut short, a
 * download that stopped, a disk that filled. H2 itself opens such a file at an older version without
 * a word (the CLI would list a fraction of the traces as if that were all), or refuses it read-only as
 * "read only". Reads the store header and one chunk header: two small reads, whatever the file's size.
 *
 * <p>Gives a verdict only on what it can read with certainty (an H2 2.x MVStore header that says
 * {@code clean:1}, and a chunk header where that header points); anything else is left to H2.
 */
final class CutShortFile {
  private static final int BLOCK = 4096;
  /** H2 keeps two copies of the store header, in blocks 0 and 1. */
  private static final int HEADER_BLOCKS = 2;
  private static final int MAX_CHUNK_HEADER = 1024;

  private CutShortFile() {}

  static boolean isCutShort(Path dataFile) {
    try (FileChannel file = FileChannel.open(dataFile, StandardOpenOption.READ)) {
      long size = file.size();
      Map<String, String> header = fields(read(file, 0, BLOCK));
      if (!"2".equals(header.get("H")) || !"1".equals(header.get("clean")) || !"1000".equals(header.get("blockSize"))) {
        return false; // not a cleanly closed H2 2.x file: no verdict
      }
      long block = hex(header.get("block"));
      long chunk = hex(header.get("chunk"));
      if (block < HEADER_BLOCKS || chunk < 0) {
        return false;
      }
      if (size < (long) HEADER_BLOCKS * BLOCK || (block + 1) * BLOCK > size) {
        return true; // the newest chunk starts past the end
      }
      Map<String, String> newest = fields(read(file, block * BLOCK, MAX_CHUNK_HEADER));
      if (hex(newest.get("chunk")) != chunk) {
        return false; // not the chunk the header names: no verdict
      }
      long length = hex(newest.get("len"));
      return length > 0 && (block + length) * BLOCK > size;
    } catch (IOException | RuntimeException e) {
      return false; // unreadable here: H2 says why when it opens it
    }
  }

  private static String read(FileChannel file, long position, int max) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(max);
    while (buffer.hasRemaining()) {
      if (file.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  /** {@code key:value,key:value}, as H2 writes its headers (hex numbers, no quoting in the keys read here). */
  private static Map<String, String> fields(String line) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : line.split(",")) {
      int colon = pair.indexOf(':');
      if (colon > 0) {
        fields.putIfAbsent(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  private static long hex(String value) {
    if (value == null || value.isEmpty() || value.length() > 15) {
      return -1;
    }
    try {
      return Long.parseLong(value, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
