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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 8 bar 4: javac on 200 annotated classes (each with a constructor, an @Agent method calling
 * two @Tool methods, an @LlmCall, generics and a checked exception) without and with the processor.
 * "With" includes compiling the 200 generated wrappers: what a user's build pays. Two corpora (see
 * {@link #corpus}); for each, the parts of the difference and the floor of any wrapper-per-class
 * design.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 10)
@Fork(1)
@State(Scope.Benchmark)
public class CompileBenchmark {
  static final int CLASSES = 200;

  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
  private Path sources;
  private Path out;
  private List<Path> files;
  private List<Path> overrides;
  private List<Path> withWrappers;

  /**
   * {@code traced-only}: every method of every class is traced and its body is a line or two, the
   * worst case for a wrapper per class. {@code typical}: the same five traced methods with bodies
   * and helpers of the size a real tool or agent class has (about 110 lines a class).
   */
  @Param({"traced-only", "typical"})
  public String corpus;

  @Setup(Level.Trial)
  public void writeCorpus() throws IOException {
    sources = Files.createTempDirectory("tracewright-corpus");
    files = new ArrayList<>();
    overrides = new ArrayList<>();
    String template = corpus.equals("typical") ? TYPICAL : TRACED_ONLY;
    for (int i = 0; i < CLASSES; i++) {
      Path file = sources.resolve("com/acme/gen/Agent" + i + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, template.formatted(i), StandardCharsets.UTF_8);
      files.add(file);
      Path override = sources.resolve("com/acme/gen/Agent" + i + "Override.java");
      Files.writeString(override, DELEGATING_OVERRIDES.formatted(i), StandardCharsets.UTF_8);
      overrides.add(override);
    }
    Path generated = Files.createDirectories(sources.resolve("generated"));
    out = generated;
    compile(new TracedProcessor(), files, "-proc:only");
    withWrappers = new ArrayList<>(files);
    try (Stream<Path> all = Files.walk(generated)) {
      all.filter(p -> p.toString().endsWith("Traced.java")).forEach(withWrappers::add);
    }
    if (withWrappers.size() != 2 * CLASSES) {
      throw new IllegalStateException("expected a wrapper per class, got " + (withWrappers.size() - CLASSES));
    }
  }

  static final String TRACED_ONLY = """
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
      """;

  /** The same traced methods as TRACED_ONLY, with ordinary code around them. */
  static final String TYPICAL = """
      package com.acme.gen;

      import dev.tracewright.annotations.*;
      import java.io.IOException;
      import java.net.URI;
      import java.time.Duration;
      import java.time.Instant;
      import java.util.*;
      import java.util.function.Function;
      import java.util.stream.Collectors;

      public class Agent%1$d<T extends Comparable<T>> {
        enum Mode { FAST, THOROUGH, OFFLINE }

        record Hit(String title, URI source, double score, Instant seen) {
          Hit {
            Objects.requireNonNull(title, "title");
            if (score < 0 || score > 1) throw new IllegalArgumentException("score " + score);
          }
        }

        private final String name;
        private final Map<String, List<Hit>> cache = new LinkedHashMap<>();
        private final Deque<String> history = new ArrayDeque<>();
        private Mode mode = Mode.FAST;
        private int calls;

        public Agent%1$d(String name) { this.name = name; }

        @Agent public String run(String question, int depth) throws IOException {
          if (question == null || question.isBlank()) throw new IllegalArgumentException("empty question");
          history.addLast(question);
          if (history.size() > 20) history.removeFirst();
          mode = depth > 2 ? Mode.THOROUGH : Mode.FAST;
          String results = search(normalize(question), limitFor(mode, depth));
          List<String> facts = lookup(List.of(question, results));
          String prompt = render(question, facts, history);
          return summarize(prompt);
        }

        @Tool(description = "search %1$d") public String search(String query, int limit) {
          calls++;
          List<Hit> hits = cache.computeIfAbsent(query, q -> fetch(q, limit));
          return hits.stream()
              .filter(h -> h.score() >= threshold(mode))
              .sorted(Comparator.comparingDouble(Hit::score).reversed().thenComparing(Hit::title))
              .limit(limit)
              .map(h -> String.format(Locale.ROOT, "%%s (%%.2f) <%%s>", h.title(), h.score(), h.source()))
              .collect(Collectors.joining("\\n"));
        }

        @Retrieval public List<String> lookup(List<String> keys) {
          Map<Boolean, List<String>> split = keys.stream()
              .map(String::strip)
              .filter(k -> !k.isEmpty())
              .collect(Collectors.partitioningBy(k -> k.length() > 40));
          List<String> out = new ArrayList<>(split.get(false));
          for (String longKey : split.get(true)) {
            out.addAll(Arrays.asList(longKey.split("[.!?]\\\\s*")));
          }
          return out.stream().distinct().limit(16).toList();
        }

        @LlmCall(model = "gpt-4o") protected String summarize(String text) throws IOException {
          if (text.isEmpty()) throw new IOException("empty prompt");
          StringBuilder answer = new StringBuilder();
          for (String line : text.split("\\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) continue;
            answer.append(Character.toUpperCase(trimmed.charAt(0))).append(trimmed.substring(1)).append(' ');
          }
          return answer.toString().strip();
        }

        @Step public <R extends Number> Map<String, R> tally(Collection<? extends R> values, @NoCapture String secret) {
          Map<String, R> out = new TreeMap<>();
          for (R v : values) {
            if (v == null) continue;
            out.merge(secret + v.intValue() %% 10, v, (a, b) -> a.doubleValue() >= b.doubleValue() ? a : b);
          }
          return out;
        }

        private List<Hit> fetch(String query, int limit) {
          List<Hit> hits = new ArrayList<>();
          for (int i = 0; i < Math.min(limit, 5); i++) {
            double score = 1.0 / (i + 1 + query.length() %% 3);
            hits.add(new Hit(name + " " + query + " #" + i, URI.create("https://example.com/" + i), score, Instant.now()));
          }
          return hits;
        }

        private static String normalize(String text) {
          return text.strip().replaceAll("\\\\s+", " ").toLowerCase(Locale.ROOT);
        }

        private static int limitFor(Mode mode, int depth) {
          return switch (mode) {
            case FAST -> Math.max(1, depth);
            case THOROUGH -> depth * 3;
            case OFFLINE -> 0;
          };
        }

        private static double threshold(Mode mode) {
          return mode == Mode.THOROUGH ? 0.1 : 0.3;
        }

        private static String render(String question, List<String> facts, Collection<String> history) {
          Function<String, String> bullet = f -> "- " + f;
          return "# question\\n" + question + "\\n# facts\\n"
              + facts.stream().map(bullet).collect(Collectors.joining("\\n"))
              + "\\n# earlier\\n" + String.join("\\n", history);
        }

        public Duration budget() { return Duration.ofSeconds(calls * 2L + (mode == Mode.THOROUGH ? 30 : 5)); }

        public T max(T a, T b) { return a.compareTo(b) >= 0 ? a : b; }
      }
      """;

  /**
   * The least any subclass-generating processor must add: a plain delegating override of each
   * traced method, with no tracing at all. Compiled without the processor, it is the floor.
   */
  static final String DELEGATING_OVERRIDES = """
      package com.acme.gen;

      import java.io.IOException;
      import java.util.*;

      public class Agent%1$dOverride<T extends Comparable<T>> extends Agent%1$d<T> {
        public Agent%1$dOverride(String name) { super(name); }

        @Override public String run(String question, int depth) throws IOException { return super.run(question, depth); }

        @Override public String search(String query, int limit) { return super.search(query, limit); }

        @Override public List<String> lookup(List<String> keys) { return super.lookup(keys); }

        @Override protected String summarize(String text) throws IOException { return super.summarize(text); }

        @Override public <R extends Number> Map<String, R> tally(Collection<? extends R> values, String secret) {
          return super.tally(values, secret);
        }
      }
      """;

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

  /** javac on {@code sourceFiles}; with {@code processor} null, annotation processing is off. */
  private boolean compile(Processor processor, List<Path> sourceFiles, String... extraOptions) {
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(sourceFiles);
      List<String> options = new ArrayList<>(List.of(
          "--release", "17", "-d", out.toString(), "-s", out.toString(), "-cp", System.getProperty("java.class.path")));
      if (processor == null) {
        options.add("-proc:none");
      }
      options.addAll(List.of(extraOptions));
      JavaCompiler.CompilationTask task = javac.getTask(null, fm, null, options, null, units);
      if (processor != null) {
        task.setProcessors(List.of(processor));
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
    return compile(null, files);
  }

  @Benchmark
  public boolean withProcessor() {
    return compile(new TracedProcessor(), files);
  }

  // The parts of withProcessor - withoutProcessor, each measured on its own:

  /** A processor that claims our annotations and generates nothing: javac's processing rounds. */
  @Benchmark
  public boolean noOpProcessor() {
    return compile(new NoOpProcessor(), files);
  }

  /** The sources plus the wrappers the processor generated (written once, up front), no processor. */
  @Benchmark
  public boolean pregeneratedWrappers() {
    return compile(null, withWrappers);
  }

  /** The sources plus hand-written delegating overrides, no processor: the floor of the design. */
  @Benchmark
  public boolean delegatingOverridesOnly() {
    List<Path> all = new ArrayList<>(files);
    all.addAll(overrides);
    return compile(null, all);
  }

  static final class NoOpProcessor extends AbstractProcessor {
    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return new TracedProcessor().getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return true;
    }
  }
}
