package dev.tracewright.sample;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.Step;
import dev.tracewright.runtime.Tracewright;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small research agent: recalls memory, plans with the model, retrieves documents, searches the
 * web in parallel, calculates, quotes (retrying a flaky tool), and answers with the model. Create
 * {@code ResearchAgentTraced}, the subclass the processor generates, to have every step recorded.
 */
public class ResearchAgent {
  private static final Pattern ARITHMETIC = Pattern.compile("[\\d(][\\d\\s.+\\-*/()]*[\\d)]");
  private static final int MAX_ATTEMPTS = 3;

  public record Answer(String text, List<String> sources) {}

  private final ChatModel model;
  private final SearchIndex web;
  private final DocumentStore documents;
  private final Tools tools;
  private final Memory memory;
  private final ExecutorService pool;

  public ResearchAgent(ChatModel model, SearchIndex web, DocumentStore documents, Tools tools, Memory memory, ExecutorService pool) {
    this.model = model;
    this.web = web;
    this.documents = documents;
    this.tools = tools;
    this.memory = memory;
    this.pool = pool;
  }

  @Agent
  public Answer research(String question) throws LlmException {
    List<String> remembered = memory.recall(question);
    List<String> queries = plan(question); // a self-call: traced as a child span

    // Fan out: one web search per planned query, in parallel on the (wrapped) pool.
    List<CompletableFuture<List<SearchIndex.Hit>>> searches =
        queries.stream().map(q -> CompletableFuture.supplyAsync(() -> web.search(q, 2), pool)).toList();
    List<DocumentStore.Document> docs = documents.search(question, 2);
    List<SearchIndex.Hit> hits = new ArrayList<>();
    searches.forEach(s -> s.join().stream().filter(h -> !hits.contains(h)).forEach(hits::add));

    StringBuilder context = new StringBuilder();
    remembered.forEach(n -> context.append("Remembered: ").append(n).append('\n'));
    Matcher math = ARITHMETIC.matcher(question);
    if (math.find() && math.group().matches(".*[+\\-*/].*")) {
      context.append(math.group().strip()).append(" = ").append(tools.calculate(math.group())).append('\n');
    }
    hits.forEach(h -> context.append(h.snippet()).append('\n'));
    if (!docs.isEmpty()) {
      context.append(tools.readFile(docs.get(0).path()).lines().skip(2).findFirst().orElse("")).append('\n');
    }
    context.append(quoteWithRetry(question)).append('\n');

    ChatReply reply = model.chat(List.of(
        Message.system("Answer the question from the context. Be brief."),
        Message.user("QUESTION: " + question + "\nCONTEXT:\n" + context)));
    memory.remember(question + " -> " + reply.text());
    List<String> sources = new ArrayList<>();
    hits.forEach(h -> sources.add(h.url()));
    docs.forEach(d -> sources.add(d.path()));
    return new Answer(reply.text(), sources.stream().distinct().toList());
  }

  @Step(name = "plan")
  protected List<String> plan(String question) throws LlmException {
    ChatReply reply = model.chat(List.of(
        Message.system("List up to three short web search queries, one per line."),
        Message.user("PLAN:" + question)));
    return reply.text().lines().map(String::strip).filter(l -> !l.isEmpty()).limit(3).toList();
  }

  /** Retries the flaky quote tool; each failed attempt is an event on this agent's span. */
  private String quoteWithRetry(String topic) {
    for (int attempt = 1; ; attempt++) {
      try {
        return tools.quote(topic);
      } catch (IllegalStateException e) {
        Tracewright.current().event("retry", Map.of("tool", "quote_service", "attempt", attempt, "error", e.getMessage()));
        if (attempt == MAX_ATTEMPTS) {
          return "(no quote)";
        }
      }
    }
  }
}
