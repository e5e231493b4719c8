package dev.tracewright.sample;

import dev.tracewright.annotations.Retrieval;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The sample's document store, counting real retrievals. */
public class CountingDocuments extends DocumentStore {
  final AtomicInteger bodies = new AtomicInteger();

  @Override
  @Retrieval(name = "retrieve_documents")
  public List<Document> search(String query, int k) {
    bodies.incrementAndGet();
    return super.search(query, k);
  }
}
