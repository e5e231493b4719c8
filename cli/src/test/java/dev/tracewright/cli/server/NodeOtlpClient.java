package dev.tracewright.cli.server;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real non-Java OTLP/HTTP client for the team server's tests: the OpenTelemetry JS SDK (pinned in
 * {@code src/test/node/otlp-client/package-lock.json}) run by {@code node send.mjs}. It records one
 * GenAI agent trace per {@code TRACES} (an {@code invoke_agent checkout} root with a {@code chat gpt-4o}
 * child and a failing {@code execute_tool lookup_order} child) and exports each trace as one request,
 * protobuf or JSON, with the SDK's own exporter, retries included (429/502/503/504: at most 5 retries,
 * Retry-After honoured, all inside the exporter's timeout of 10 s by default).
 *
 * <p>No JUnit here: a test skips itself with {@code assumeTrue(NodeOtlpClient.available())}, calls
 * {@link #install(Path)} once (e.g. into {@code target/otlp-client}), then {@link #send}. Tests run with
 * the {@code cli/} module as working directory, where the fixture is {@code src/test/node/otlp-client}.
 */
public final class NodeOtlpClient {
  /** The fixture, relative to the {@code cli/} module (Maven's working directory for its tests). */
  public static final Path SOURCE = Path.of("src", "test", "node", "otlp-client");

  private static final List<String> FILES = List.of("package.json", "package-lock.json", "send.mjs");
  private static final String INSTALLED_MARKER = ".npm-ci-lock.sha256";
  private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern TRACE_LINE = Pattern.compile("TRACE ([0-9a-f]{32})");
  private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\..*");
  private static final Object INSTALL_LOCK = new Object();
  private static volatile Boolean available;

  private NodeOtlpClient() {}

  /** The outcome of one {@code node send.mjs} run. */
  public record Result(
      int exitCode, boolean timedOut, List<String> traceIds, List<String> stdout, String stderr) {
    /** Exit 0: every trace was accepted (2xx) by the server. */
    public boolean ok() {
      return !timedOut && exitCode == 0;
    }

    @Override
    public String toString() {
      return "node send.mjs " + (timedOut ? "timed out" : "exited " + exitCode)
          + "\nstdout: " + String.join("\n", stdout) + "\nstderr: " + stderr;
    }
  }

  /**
   * Whether {@code node} (a version the pinned SDK supports: 18.19+ or 20.6+) and {@code npm} are on the PATH.
   */
  public static boolean available() {
    Boolean known = available;
    if (known == null) {
      known = onPath("node") && onPath("npm") && nodeVersionSupported();
      available = known;
    }
    return known;
  }

  /**
   * Copies the fixture into {@code workDir} and runs {@code npm ci} there (at most 5 minutes), unless
   * an earlier {@code npm ci} of the same package-lock.json completed there. Returns {@code workDir}.
   *
   * @throws IllegalStateException with npm's output when {@code npm ci} fails or times out
   */
  public static Path install(Path workDir) {
    synchronized (INSTALL_LOCK) {
      try {
        Path source = sourceDir();
        Files.createDirectories(workDir);
        String lockHash = sha256(Files.readAllBytes(source.resolve("package-lock.json")));
        Path marker = workDir.resolve(INSTALLED_MARKER);
        boolean reusable = Files.isDirectory(workDir.resolve("node_modules"))
            && Files.isRegularFile(marker)
            && Files.readString(marker, StandardCharsets.UTF_8).trim().equals(lockHash);
        if (!reusable) {
          Files.deleteIfExists(marker);
        }
        for (String file : FILES) {
          Files.copy(source.resolve(file), workDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (reusable) {
          return workDir;
        }
        deleteRecursively(workDir.resolve("node_modules"));
        Path log = workDir.resolve("npm-ci.log");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        npm.getOutputStream().close();
        if (!npm.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          destroyTree(npm);
          throw new IllegalStateException("npm ci in " + workDir + " took longer than " + NPM_CI_TIMEOUT
              + ":\n" + readQuietly(log));
        }
        if (npm.exitValue() != 0) {
          throw new IllegalStateException("npm ci in " + workDir + " exited " + npm.exitValue() + ":\n"
              + readQuietly(log));
        }
        Files.writeString(marker, lockHash + "\n", StandardCharsets.UTF_8);
        return workDir;
      } catch (IOException e) {
        throw new UncheckedIOException("installing the OpenTelemetry JS client into " + workDir, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while installing the OpenTelemetry JS client", e);
      }
    }
  }

  /**
   * Runs {@code node send.mjs} in an {@link #install installed} directory: {@code traces} traces to
   * {@code url} (the full {@code .../v1/traces} URL) over {@code protocol} ({@code "proto"}, or
   * {@code "json"}; null means proto), with {@code Authorization: Bearer key} unless {@code key} is null.
   * A process still running after {@code timeout} is killed and reported as {@link Result#timedOut()}.
   */
  public static Result send(
      Path installed, String url, String protocol, String key, int traces, Duration timeout) {
    return send(installed, url, protocol, key, traces, timeout, Map.of());
  }

  /**
   * As {@link #send(Path, String, String, String, int, Duration)}, with more environment for send.mjs,
   * e.g. {@code SERVICE_NAME}, {@code OTLP_TIMEOUT_MS} (the exporter's timeout, which bounds its retries)
   * or {@code OTLP_DIAG=info} (the SDK's retry decisions on stderr).
   */
  public static Result send(Path installed, String url, String protocol, String key, int traces,
      Duration timeout, Map<String, String> extraEnv) {
    ProcessBuilder builder = new ProcessBuilder("node", "send.mjs").directory(installed.toFile());
    Map<String, String> env = builder.environment();
    // The SDK also reads OTEL_* variables (headers, timeout, sampler...): none leak in from the build.
    env.keySet().removeIf(name -> name.startsWith("OTEL_") || name.startsWith("OTLP_"));
    env.put("OTLP_URL", url);
    if (protocol != null) {
      env.put("OTLP_PROTOCOL", protocol);
    }
    if (key != null) {
      env.put("OTLP_KEY", key);
    }
    env.put("TRACES", Integer.toString(traces));
    env.putAll(extraEnv);
    try {
      Process node = builder.start();
      node.getOutputStream().close();
      CompletableFuture<String> stdout = readAsync(node.getInputStream());
      CompletableFuture<String> stderr = readAsync(node.getErrorStream());
      boolean finished = node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        destroyTree(node);
      }
      String out = stdout.get(10, TimeUnit.SECONDS);
      String err = stderr.get(10, TimeUnit.SECONDS);
      List<String> lines = out.lines().toList();
      List<String> traceIds = new ArrayList<>();
      for (String line : lines) {
        Matcher m = TRACE_LINE.matcher(line);
        if (m.matches()) {
          traceIds.add(m.group(1));
        }
      }
      return new Result(finished ? node.exitValue() : -1, !finished, List.copyOf(traceIds), lines, err);
    } catch (IOException e) {
      throw new UncheckedIOException("running node send.mjs in " + installed, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running node send.mjs", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("reading the output of node send.mjs", e);
    }
  }

  private static Path sourceDir() {
    for (Path candidate : List.of(SOURCE, Path.of("cli").resolve(SOURCE))) {
      if (Files.isRegularFile(candidate.resolve("package-lock.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + SOURCE + " under " + Path.of("").toAbsolutePath()
        + " (the tests run with the cli/ module as working directory)");
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static boolean nodeVersionSupported() {
    try {
      Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      node.getOutputStream().close();
      CompletableFuture<String> out = readAsync(node.getInputStream());
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        destroyTree(node);
        return false;
      }
      Matcher m = NODE_VERSION.matcher(out.get(5, TimeUnit.SECONDS).trim());
      if (node.exitValue() != 0 || !m.matches()) {
        return false;
      }
      int major = Integer.parseInt(m.group(1));
      int minor = Integer.parseInt(m.group(2));
      return (major == 18 && minor >= 19) || (major == 20 && minor >= 6) || major > 20;
    } catch (IOException | ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        result.complete(bytes.toString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    }, "node-otlp-client-output");
    reader.setDaemon(true);
    reader.start();
    return result;
  }

  private static void destroyTree(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
