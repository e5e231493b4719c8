package dev.tracewright.runtime.replay;

import dev.tracewright.runtime.TracedCall;

/** How a call and its recordings are told apart: the traced class and method. */
final class CallSite {
  private CallSite() {}

  static String of(TracedCall.Site site) {
    return site.codeNamespace() + "#" + site.codeFunction();
  }

  static String of(RecordedSpan span) {
    return span.codeNamespace() + "#" + span.codeFunction();
  }

  /**
   * Whether a user's name for a call site means this one: the span name, the method name,
   * {@code SimpleClass#method} or {@code com.acme.Class#method}.
   */
  static boolean named(String name, TracedCall.Site site) {
    String namespace = site.codeNamespace();
    String simple = namespace.substring(namespace.lastIndexOf('.') + 1);
    simple = simple.substring(simple.lastIndexOf('$') + 1);
    return name.equals(site.name())
        || name.equals(site.codeFunction())
        || name.equals(simple + "#" + site.codeFunction())
        || name.equals(namespace + "#" + site.codeFunction());
  }

  /** {@code TOOL search (com.acme.Tools#search)}: how messages name a call. */
  static String describe(TracedCall.Site site) {
    return site.kind() + " " + site.name() + " (" + of(site) + ")";
  }
}
