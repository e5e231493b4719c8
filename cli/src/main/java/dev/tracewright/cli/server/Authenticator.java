package dev.tracewright.cli.server;

import dev.tracewright.runtime.store.H2Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who sent a request: the project of its {@code Authorization: Bearer} key. When the store has no
 * active key the server is a development server (loopback only) and everything goes to no project.
 * Answers are cached for a few seconds (a key revoked stops working within {@link #TTL_MILLIS}),
 * by the key's SHA-256, so the cache holds no secret.
 */
final class Authenticator {
  static final long TTL_MILLIS = 5_000;

  /** The outcome: allowed (with the project, null in development mode), or refused with a reason. */
  record Verdict(boolean allowed, String project, String reason) {}

  private record Cached(String project, long until) {}

  private final H2Store store;
  private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
  private volatile long keysCheckedUntil;
  private volatile boolean keysRequired;

  Authenticator(H2Store store) {
    this.store = store;
  }

  Verdict check(String authorization) throws SQLException {
    long now = System.currentTimeMillis();
    if (now >= keysCheckedUntil) {
      try (Connection c = store.openReadConnection()) {
        keysRequired = ApiKeys.anyActive(c);
      }
      keysCheckedUntil = now + TTL_MILLIS;
    }
    if (!keysRequired) {
      return new Verdict(true, null, null);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Verdict(false, null, "this server needs an API key: send Authorization: Bearer <key> (tracewright keys create --project NAME)");
    }
    String key = authorization.substring(7).trim();
    String hash = ApiKeys.sha256(key);
    Cached cached = byHash.get(hash);
    if (cached == null || cached.until() < now) {
      String project;
      try (Connection c = store.openReadConnection()) {
        project = ApiKeys.project(c, key);
      }
      if (byHash.size() > 10_000) {
        byHash.clear(); // bounded: a flood of wrong keys cannot grow it
      }
      cached = new Cached(project, now + TTL_MILLIS);
      byHash.put(hash, cached);
    }
    return cached.project() == null
        ? new Verdict(false, null, "the API key is not valid here (unknown or revoked)")
        : new Verdict(true, cached.project(), null);
  }
}
