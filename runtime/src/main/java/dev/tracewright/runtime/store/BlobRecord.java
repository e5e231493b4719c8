package dev.tracewright.runtime.store;

/** Captured content stored once under its SHA-256 hash (lower-case hex). */
public record BlobRecord(String hash, String mediaType, byte[] content) {
  public long sizeBytes() {
    return content.length;
  }
}
