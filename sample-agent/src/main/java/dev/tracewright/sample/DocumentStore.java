package dev.tracewright.sample;

import dev.tracewright.annotations.Retrieval;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Retrieval over the small document set shipped with the sample (resources {@code docs/*.md}). */
public class DocumentStore {
  public record Document(String path, String title, String text) {}

  static final List<String> FILES = List.of("docs/atmosphere.md", "docs/calendar.md", "docs/arithmetic.md", "docs/agents.md");

  private final List<Document> documents = new ArrayList<>();

  public DocumentStore() {
    for (String file : FILES) {
      String text = read(file);
      documents.add(new Document(file, text.lines().findFirst().orElse(file).replace("#", "").strip(), text));
    }
  }

  static String read(String file) {
    try (InputStream in = DocumentStore.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing sample document " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Retrieval(name = "retrieve_documents")
  public List<Document> search(String query, int k) {
    List<String> words = List.of(query.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"));
    List<Document> ranked = new ArrayList<>(documents);
    ranked.sort(Comparator.comparingLong((Document d) -> -score(d, words)).thenComparing(Document::path));
    return ranked.stream().filter(d -> score(d, words) > 0).limit(k).toList();
  }

  private static long score(Document d, List<String> words) {
    String text = d.text().toLowerCase(Locale.ROOT);
    return words.stream().filter(w -> w.length() > 2).mapToLong(w -> text.split(w, -1).length - 1).sum();
  }
}
