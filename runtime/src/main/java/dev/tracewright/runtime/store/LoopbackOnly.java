package dev.tracewright.runtime.store;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Keeps H2's sockets (the AUTO_SERVER port, the TCP server, the web console) on 127.0.0.1. H2
 * binds every interface unless the system property {@code h2.bindAddress} was set before its
 * {@code SysProperties} class loaded, so this runs before Tracewright touches any H2 class.
 */
public final class LoopbackOnly {
  public static final String PROPERTY = "h2.bindAddress";
  private static final System.Logger LOG = System.getLogger("dev.tracewright");
  private static volatile Boolean loopback;

  private LoopbackOnly() {}

  /** Sets the bind address unless the application chose one itself. */
  public static synchronized void ensure() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "127.0.0.1");
    }
  }

  /**
   * Whether H2 will bind to a loopback address. False when the application set another address or
   * loaded H2 before Tracewright could set it: then Tracewright opens no socket of its own.
   */
  public static boolean isLoopback() {
    Boolean known = loopback;
    if (known != null) {
      return known;
    }
    ensure();
    boolean result;
    try {
      String effective = org.h2.engine.SysProperties.BIND_ADDRESS;
      result = effective != null && !effective.isEmpty() && InetAddress.getByName(effective).isLoopbackAddress();
    } catch (UnknownHostException | RuntimeException e) {
      result = false;
    }
    if (!result) {
      LOG.log(
          Level.WARNING,
          "H2 binds its sockets beyond loopback (h2.bindAddress is not 127.0.0.1, or H2 was loaded before"
              + " Tracewright); Tracewright will not open the database with AUTO_SERVER");
    }
    loopback = result;
    return result;
  }
}
