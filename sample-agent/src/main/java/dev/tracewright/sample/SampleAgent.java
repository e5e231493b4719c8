package dev.tracewright.sample;

import dev.tracewright.runtime.Tracewright;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TraceQuery;
import dev.tracewright.cli.TraceRenderer;
import dev.tracewright.sample.langchain4j.LangChain4jSample;
import dev.tracewright.sample.langchain4j.LocalOpenAiEndpoint;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code java -jar sample-agent/target/sample-agent.jar [question]}: runs the research agent a few
 * times into the local trace database, prints each trace, and says how to look further. With
 * {@code --langchain4j} first, the same offline model answers a LangChain4j {@code AiServices} agent.
 */
public final class SampleAgent {
  /** The default runs: a plain question, one that needs the calculator, and one that fails. */
  static final List<String> DEFAULT_QUESTIONS = List.of(
      "Why is the sky blue?",
      "How many seconds are in a leap year: 366 * 24 * 3600?",
      "What is 42 / 0?");

  /** The {@code --langchain4j} runs: one answered directly, one that needs the calculator tool. */
  static final List<String> LANGCHAIN4J_QUESTIONS = List.of(
      "Why is the sky blue?",
      "How many seconds are in a leap year: 366 * 24 * 3600?");

  private SampleAgent() {}

  /**
   * The LangChain4j variant: an {@code AiServices} agent with the real OpenAI client, against
   * OPENAI_BASE_URL or else the offline model behind a local OpenAI-compatible endpoint; then
   * prints the traces. Returns how many runs failed.
   */
  public static int runLangChain4j(List<String> questions, Path db, PrintStream out) {
    Instant start = Instant.now();
    String base = System.getenv("OPENAI_BASE_URL");
    String name = System.getenv().getOrDefault("OPENAI_MODEL", "gpt-4o-mini");
    int failures;
    try (LocalOpenAiEndpoint local = base == null || base.isBlank() ? new LocalOpenAiEndpoint() : null) {
      String url = local == null ? base : local.baseUrl();
      out.println("Tracewright sample agent (LangChain4j), model: " + name + " at " + url);
      out.println("Recording to " + H2Store.dataFile(db));
      failures = LangChain4jSample.run(url, System.getenv("OPENAI_API_KEY"), name, questions, out);
    } catch (java.io.IOException e) {
      out.println("could not start the local model endpoint: " + e.getMessage());
      return 1;
    }
    Tracewright.flush();
    printTraces(db, start, out);
    printLookFurther(db, out);
    return failures;
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("--langchain4j")) {
      List<String> rest = List.of(args).subList(1, args.length);
      List<String> questions = rest.isEmpty() ? LANGCHAIN4J_QUESTIONS : List.of(String.join(" ", rest));
      Tracewright.initLocal();
      int failed = runLangChain4j(questions, H2Store.defaultPath(), System.out);
      Tracewright.shutdown();
      System.exit(failed > 0 ? 1 : 0);
      return;
    }
    ChatModel model;
    try {
      model = modelFromEnvironment();
    } catch (IllegalArgumentException e) {
      System.err.println("sample-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<String> questions = args.length == 0 ? DEFAULT_QUESTIONS : List.of(String.join(" ", args));
    Tracewright.initLocal();
    int failedModelCalls = run(model, questions, H2Store.defaultPath(), System.out);
    Tracewright.shutdown();
    System.exit(failedModelCalls > 0 ? 1 : 0);
  }

  /** OPENAI_BASE_URL (and optionally OPENAI_API_KEY, OPENAI_MODEL) selects a real model. */
  static ChatModel modelFromEnvironment() {
    String base = System.getenv("OPENAI_BASE_URL");
    if (base == null || base.isBlank()) {
      return new OfflineModel();
    }
    String name = System.getenv().getOrDefault("OPENAI_MODEL", "gpt-4o-mini");
    return new OpenAiCompatibleModel(base, System.getenv("OPENAI_API_KEY"), name);
  }

  /**
   * Runs the questions through a traced agent, then prints the traces they made. Returns how many
   * runs failed because the model endpoint did.
   */
  public static int run(ChatModel model, List<String> questions, Path db, PrintStream out) {
    Instant start = Instant.now();
    out.println("Tracewright sample agent, model: " + model.describe());
    out.println("Recording to " + H2Store.dataFile(db));
    ExecutorService pool = Tracewright.wrap(Executors.newFixedThreadPool(3)); // fan-out stays in the trace
    int modelFailures = 0;
    try {
      ResearchAgent agent = new ResearchAgentTraced(
          ChatModelTraced.wrap(model), SearchIndexTraced.wrap(new CannedSearchIndex()), new DocumentStoreTraced(),
          new ToolsTraced(), new MemoryTraced(), pool);
      for (String question : questions) {
        out.println();
        out.println("Q: " + question);
        try {
          ResearchAgent.Answer answer = agent.research(question);
          out.println("A: " + answer.text());
          out.println("   sources: " + String.join(", ", answer.sources()));
        } catch (LlmException e) {
          modelFailures++;
          out.println("run failed, the model endpoint did: " + e.getMessage());
        } catch (RuntimeException e) {
          out.println("run failed (recorded as an error trace): " + e);
        }
      }
    } finally {
      pool.shutdown();
    }
    Tracewright.flush();
    printTraces(db, start, out);
    printLookFurther(db, out);
    return modelFailures;
  }

  private static void printLookFurther(Path db, PrintStream out) {
    out.println();
    out.println("Look further:");
    String dbFlag = db.equals(H2Store.DEFAULT_PATH) ? "" : " --db " + db;
    String cli = cliCommand();
    out.println("  " + cli + " ui" + dbFlag + "         # the trace explorer on http://127.0.0.1:8080/");
    out.println("  " + cli + " list" + dbFlag);
    out.println("  " + cli + " stats" + dbFlag);
    out.println("  " + cli + " console" + dbFlag + "    # H2 web console, 127.0.0.1 only");
    if (!cli.startsWith("java -jar ")) {
      out.println("  (" + cli + " is the CLI's runnable jar: mvn -pl cli -am package writes it to cli/target/tracewright.jar)");
    }
  }

  /**
   * How to run the CLI from wherever this runs: {@code java -jar} and the absolute path of the CLI's
   * runnable jar of this build, else a placeholder. A relative cli/target/... was wrong from any
   * other directory.
   */
  static String cliCommand() {
    try {
      Path jar = cliJarNear(Path.of(TraceDb.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
      if (jar != null) {
        String path = jar.toAbsolutePath().normalize().toString();
        return "java -jar " + (path.contains(" ") ? "\"" + path + "\"" : path);
      }
    } catch (Exception | LinkageError e) { // no code source (an unusual class loader): the placeholder
    }
    return "tracewright";
  }

  /**
   * The CLI's runnable jar of the build the CLI classes were loaded from: that jar itself, the one
   * beside cli/target/classes, or, from this sample's own runnable jar
   * ({@code <build>/sample-agent/target/sample-agent.jar}, which carries the CLI classes),
   * {@code <build>/cli/target/tracewright.jar}. Null if there is none.
   */
  static Path cliJarNear(Path loadedFrom) {
    java.util.List<Path> candidates = new java.util.ArrayList<>();
    if (loadedFrom.getFileName() != null && loadedFrom.getFileName().toString().equals("tracewright.jar")) {
      candidates.add(loadedFrom);
    }
    candidates.add(loadedFrom.resolveSibling("tracewright.jar")); // cli/target/classes or a jar in cli/target
    Path module = loadedFrom.getParent() == null ? null : loadedFrom.getParent().getParent();
    if (module != null && module.getParent() != null) {
      candidates.add(module.resolveSibling("cli").resolve("target").resolve("tracewright.jar"));
    }
    return candidates.stream().filter(java.nio.file.Files::isRegularFile).findFirst().orElse(null);
  }

  private static void printTraces(Path db, Instant since, PrintStream out) {
    try (TraceDb traces = TraceDb.open(db)) {
      List<TraceRecord> recent = new ArrayList<>(traces.traces(TraceQuery.recent(100).since(since.minusSeconds(1))));
      java.util.Collections.reverse(recent); // oldest first, in the order they ran
      TraceRenderer renderer = new TraceRenderer(System.console() != null && System.getenv("NO_COLOR") == null);
      for (TraceRecord t : recent) {
        out.println();
        out.print(renderer.render(t, traces.spans(t.traceId()), traces.events(t.traceId()), null));
      }
    } catch (SQLException | RuntimeException e) {
      out.println("(could not read the traces back: " + e.getMessage() + ")");
    }
  }
}
