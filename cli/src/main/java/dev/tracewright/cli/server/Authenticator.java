package dev.tracewright.cli.server;

import dev.tracewright.runtime.store.H2Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Who sent a request: the project of its {@code Authorization: Bearer} key, checked against the
 * active keys held in memory (prefix, SHA-256, project) and read again from the store every
 * {@link #TTL_MILLIS}, so a revoked key stops working within that, and a flood of wrong keys costs
 * a hash each, never a database query.
 *
 * <p>The mode is fixed when the server starts: one that started with keys, or listens beyond
 * loopback, needs a valid key on every request (401 when none is active, never open); a development
 * server (loopback, no keys at start) takes requests without one until a key is created, and from
 * then on requires keys too.
 */
final class Authenticator {
  static final long TTL_MILLIS = 5_000;

  /** The outcome: allowed (with the project, null in development mode), or refused with a reason. */
  record Verdict(boolean allowed, String project, String reason) {}

  private final H2Store store;
  private final boolean keysAlwaysRequired;
  private volatile Map<String, ApiKeys.Active> active;
  private volatile long readUntil;

  Authenticator(H2Store store, boolean keysAlwaysRequired) {
    this.store = store;
    this.keysAlwaysRequired = keysAlwaysRequired;
  }

  Verdict check(String authorization) throws SQLException {
    Map<String, ApiKeys.Active> keys = activeKeys();
    if (keys.isEmpty() && !keysAlwaysRequired) {
      return new Verdict(true, null, null);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Verdict(false, null, "this server needs an API key: send Authorization: Bearer <key> (tracewright keys create --project NAME)");
    }
    String key = authorization.substring(7).trim();
    ApiKeys.Active known = key.length() > ApiKeys.PREFIX_LENGTH ? keys.get(key.substring(0, ApiKeys.PREFIX_LENGTH)) : null;
    if (known == null || !MessageDigest.isEqual(known.hash().getBytes(StandardCharsets.US_ASCII),
        ApiKeys.sha256(key).getBytes(StandardCharsets.US_ASCII))) {
      return new Verdict(false, null, "the API key is not valid here (unknown or revoked)");
    }
    return new Verdict(true, known.project(), null);
  }

  private Map<String, ApiKeys.Active> activeKeys() throws SQLException {
    Map<String, ApiKeys.Active> keys = active;
    long now = System.currentTimeMillis();
    if (keys == null || now >= readUntil) {
      synchronized (this) {
        if (active == null || now >= readUntil) {
          try (Connection c = store.openReadConnection()) {
            active = ApiKeys.active(c);
          }
          readUntil = now + TTL_MILLIS;
        }
        keys = active;
      }
    }
    return keys;
  }
}
