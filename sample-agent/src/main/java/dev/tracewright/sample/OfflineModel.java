package dev.tracewright.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A deterministic stand-in for a real model, so the sample runs anywhere: it plans by picking
 * keywords, answers by stitching the context together, counts tokens as a quarter of the characters
 * and reports itself as {@code gpt-4o-mini-offline} (priced as gpt-4o-mini by the sample's
 * {@code tracewright-pricing.json}). It takes a few milliseconds, like a very fast model, so the
 * waterfall has something to show.
 */
public final class OfflineModel implements ChatModel {
  public static final String NAME = "gpt-4o-mini-offline";
  private static final List<String> STOP_WORDS = List.of("what", "why", "how", "is", "the", "are", "in", "a", "of", "does", "do", "many", "and", "to");

  @Override
  public ChatReply chat(List<Message> messages) {
    String prompt = messages.get(messages.size() - 1).content();
    String text = prompt.startsWith("PLAN:") ? plan(prompt.substring(5)) : answer(prompt);
    sleepMillis(5 + prompt.length() % 20);
    long in = messages.stream().mapToLong(m -> tokens(m.content())).sum();
    return new ChatReply(text, NAME, in, tokens(text));
  }

  private static String plan(String question) {
    List<String> words = Arrays.stream(question.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"))
        .filter(w -> w.length() > 2 && !STOP_WORDS.contains(w))
        .distinct()
        .toList();
    List<String> queries = new ArrayList<>();
    queries.add(String.join(" ", words));
    words.stream().limit(2).forEach(queries::add);
    return queries.stream().filter(q -> !q.isBlank()).distinct().collect(Collectors.joining("\n"));
  }

  private static String answer(String prompt) {
    int context = prompt.indexOf("CONTEXT:");
    String facts = context < 0 ? prompt : prompt.substring(context + 8).strip();
    String first = facts.lines().filter(l -> !l.isBlank()).limit(3).map(String::strip).collect(Collectors.joining(" "));
    return "Based on what I found: " + (first.length() > 400 ? first.substring(0, 400) + "..." : first);
  }

  static long tokens(String text) {
    return (text.length() + 3) / 4;
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String describe() {
    return NAME + " (deterministic, offline; set OPENAI_BASE_URL to use a real model)";
  }
}
