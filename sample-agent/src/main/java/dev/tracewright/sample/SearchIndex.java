package dev.tracewright.sample;

import dev.tracewright.annotations.Tool;
import java.util.List;

/** Web search. An interface: the sample wraps its implementation with {@code SearchIndexTraced.wrap}. */
public interface SearchIndex {
  record Hit(String title, String url, String snippet) {}

  @Tool(name = "web_search", description = "Searches the web and returns the top hits")
  List<Hit> search(String query, int limit);
}
