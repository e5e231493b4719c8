package dev.tracewright.benchmarks;

import dev.tracewright.processor.TracedProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 8 bar 4: javac on 200 annotated classes (each with a constructor, an @Agent method calling
 * two @Tool methods, an @LlmCall, generics and a checked exception) without and with the processor.
 * "With" includes compiling the 200 generated wrappers: what a user's build pays.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8)
@Measurement(iterations = 10)
@Fork(1)
@State(Scope.Benchmark)
public class CompileBenchmark {
  static final int CLASSES = 200;

  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
  private Path sources;
  private Path out;
  private List<Path> files;

  @Setup(Level.Trial)
  public void writeCorpus() throws IOException {
    sources = Files.createTempDirectory("tracewright-corpus");
    files = new ArrayList<>();
    for (int i = 0; i < CLASSES; i++) {
      Path file = sources.resolve("com/acme/gen/Agent" + i + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, """
          package com.acme.gen;

          import dev.tracewright.annotations.*;
          import java.io.IOException;
          import java.util.*;

          public class Agent%1$d<T extends Comparable<T>> {
            private final String name;

            public Agent%1$d(String name) { this.name = name; }

            @Agent public String run(String question, int depth) throws IOException {
              return summarize(search(question, depth) + lookup(List.of(question)).size());
            }

            @Tool(description = "search %1$d") public String search(String query, int limit) { return name + query + limit; }

            @Retrieval public List<String> lookup(List<String> keys) { return new ArrayList<>(keys); }

            @LlmCall(model = "gpt-4o") protected String summarize(String text) throws IOException {
              if (text.isEmpty()) throw new IOException("empty");
              return text.toUpperCase(Locale.ROOT);
            }

            @Step public <R extends Number> Map<String, R> tally(Collection<? extends R> values, @NoCapture String secret) {
              Map<String, R> out = new HashMap<>();
              for (R v : values) out.put(secret + v, v);
              return out;
            }

            public T max(T a, T b) { return a.compareTo(b) >= 0 ? a : b; }
          }
          """.formatted(i), StandardCharsets.UTF_8);
      files.add(file);
    }
  }

  @Setup(Level.Invocation)
  public void freshOutput() throws IOException {
    out = Files.createTempDirectory("tracewright-classes");
  }

  @TearDown(Level.Invocation)
  public void cleanOutput() throws IOException {
    delete(out);
  }

  @TearDown(Level.Trial)
  public void cleanCorpus() throws IOException {
    delete(sources);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private boolean compile(boolean withProcessor) {
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
      List<String> options = new ArrayList<>(List.of(
          "--release", "17", "-d", out.toString(), "-s", out.toString(), "-cp", System.getProperty("java.class.path")));
      if (!withProcessor) {
        options.add("-proc:none");
      }
      JavaCompiler.CompilationTask task = javac.getTask(null, fm, null, options, null, units);
      if (withProcessor) {
        task.setProcessors(List.of(new TracedProcessor()));
      }
      if (!task.call()) {
        throw new IllegalStateException("the corpus did not compile");
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public boolean withoutProcessor() {
    return compile(false);
  }

  @Benchmark
  public boolean withProcessor() {
    return compile(true);
  }
}
