package dev.tracewright.runtime.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which local addresses a port is listening on, read from the kernel's socket tables (Linux). */
public final class ListeningSockets {
  private ListeningSockets() {}

  /** Hex local addresses, as /proc/net/tcp{,6} print them, of sockets listening on {@code port}. */
  public static List<String> addresses(int port) throws IOException {
    List<String> found = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (Integer.parseInt(local[1], 16) == port && f[3].equals("0A")) {
          found.add(local[0]);
        }
      }
    }
    return found;
  }

  public static boolean isLoopback(String hexAddress) {
    return hexAddress.equals("0100007F") // 127.0.0.1
        || hexAddress.equals("0000000000000000FFFF00000100007F") // ::ffff:127.0.0.1
        || hexAddress.equals("00000000000000000000000001000000"); // ::1
  }
}
