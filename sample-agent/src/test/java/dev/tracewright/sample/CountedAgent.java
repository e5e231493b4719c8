package dev.tracewright.sample;

import dev.tracewright.runtime.Tracewright;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sample research agent wired as {@link SampleAgent} wires it (offline model, canned web index,
 * the shipped documents), with every tool, retrieval and model body counted.
 */
final class CountedAgent implements AutoCloseable {
  final AtomicInteger modelCalls = new AtomicInteger();
  final AtomicInteger searches = new AtomicInteger();
  final CountingTools tools = new CountingToolsTraced();
  final CountingDocuments documents = new CountingDocumentsTraced();
  private final ExecutorService pool = Tracewright.wrap(Executors.newFixedThreadPool(3));
  final ResearchAgent agent;

  CountedAgent() {
    OfflineModel offline = new OfflineModel();
    ChatModel model = new ChatModel() {
      @Override
      public ChatReply chat(List<Message> messages) {
        modelCalls.incrementAndGet();
        return offline.chat(messages);
      }

      @Override
      public String describe() {
        return offline.describe();
      }
    };
    CannedSearchIndex canned = new CannedSearchIndex();
    SearchIndex web = (query, limit) -> {
      searches.incrementAndGet();
      return canned.search(query, limit);
    };
    agent = new ResearchAgentTraced(ChatModelTraced.wrap(model), SearchIndexTraced.wrap(web), documents, tools, new MemoryTraced(), pool);
  }

  /** How many tool, retrieval and model bodies ran. */
  int bodies() {
    return modelCalls.get() + searches.get() + tools.bodies.get() + documents.bodies.get();
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
