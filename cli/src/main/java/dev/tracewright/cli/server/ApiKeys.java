package dev.tracewright.cli.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's API keys, in the store's {@code api_keys}: a key is {@code twk_} + 8 characters of ID +
 * {@code _} + 32 random ones (190 bits from {@link SecureRandom}); only its first 12 characters
 * (the prefix, to list and revoke it by) and its SHA-256 are kept, so the database cannot give a key
 * back. Each key belongs to one project, which the server stamps on what the key sends.
 */
public final class ApiKeys {
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int PREFIX_LENGTH = 12;

  /** A stored key, without its secret. */
  public record Key(String prefix, String project, String name, Instant createdAt, Instant revokedAt) {
    public boolean active() {
      return revokedAt == null;
    }
  }

  private ApiKeys() {}

  /** Creates a key of {@code project} and returns it: the only time the whole key is seen. */
  public static String create(Connection c, String project, String name) throws SQLException {
    if (project == null || !project.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("a project name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, not '"
          + project + "'");
    }
    String key = "twk_" + random(8) + "_" + random(32);
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO api_keys (prefix, hash, project, name, created_at) VALUES (?, ?, ?, ?, ?)")) {
      st.setString(1, key.substring(0, PREFIX_LENGTH));
      st.setString(2, sha256(key));
      st.setString(3, project);
      st.setString(4, name);
      st.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
      st.executeUpdate();
    }
    return key;
  }

  public static List<Key> list(Connection c) throws SQLException {
    List<Key> keys = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("SELECT prefix, project, name, created_at, revoked_at FROM api_keys ORDER BY created_at");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        OffsetDateTime revoked = rs.getObject(5, OffsetDateTime.class);
        keys.add(new Key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class).toInstant(),
            revoked == null ? null : revoked.toInstant()));
      }
    }
    return keys;
  }

  /** Revokes the key with this prefix; false when there is no such active key. */
  public static boolean revoke(Connection c, String prefix) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL")) {
      st.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
      st.setString(2, prefix);
      return st.executeUpdate() == 1;
    }
  }

  /** The project of an active key, or null for a key that is unknown, revoked or malformed. */
  public static String project(Connection c, String key) throws SQLException {
    if (key == null || key.length() < PREFIX_LENGTH + 2 || !key.startsWith("twk_")) {
      return null;
    }
    try (PreparedStatement st = c.prepareStatement("SELECT hash, project FROM api_keys WHERE prefix = ? AND revoked_at IS NULL")) {
      st.setString(1, key.substring(0, PREFIX_LENGTH));
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next() && MessageDigest.isEqual(rs.getString(1).getBytes(StandardCharsets.US_ASCII),
            sha256(key).getBytes(StandardCharsets.US_ASCII))) {
          return rs.getString(2);
        }
      }
    }
    return null;
  }

  /** An active key as a server checks it: its hash and project, by prefix. */
  record Active(String hash, String project) {}

  /** Every active key by prefix (a server holds these, so checking a request costs no query). */
  static Map<String, Active> active(Connection c) throws SQLException {
    Map<String, Active> keys = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT prefix, hash, project FROM api_keys WHERE revoked_at IS NULL");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        keys.put(rs.getString(1), new Active(rs.getString(2), rs.getString(3)));
      }
    }
    return Map.copyOf(keys);
  }

  /** Whether any key is active: a server with none runs in development mode, on loopback only. */
  public static boolean anyActive(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1"); ResultSet rs = st.executeQuery()) {
      return rs.next();
    }
  }

  static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String random(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }
}
