package com.acme;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.replay.ReturnType;
import java.util.List;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Records every traced call of the wrapped {@link SearchTool} as a span; use {@code wrap(impl)}.
 */
@Generated("dev.tracewright.processor.TracedProcessor")
public class SearchToolTraced<D> implements SearchTool<D> {
  private static final TracedCall.Site SEARCH = TracedCall.site(SearchTool.class, "search", SpanKind.RETRIEVAL, "search")
      .parameters("query", "limit")
      .returns(new ReturnType<List<Object>>() {});

  private final SearchTool<D> delegate;

  public SearchToolTraced(SearchTool<D> delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Wraps {@code delegate}: every traced call through the result is recorded.
   */
  public static <D> SearchToolTraced<D> wrap(SearchTool<D> delegate) {
    return new SearchToolTraced<>(delegate);
  }

  @Override
  public List<D> search(String query, int limit) {
    TracedCall call = SEARCH.begin();
    if (call.capturesInput()) {
      call.input(query, limit);
    }
    try {
      if (call.replaying()) {
        return call.replayed();
      }
      return call.returned(delegate.search(query, limit));
    } catch (Throwable e) {
      call.threw(e);
      throw e;
    }
  }

  @Override
  public int size() {
    return delegate.size();
  }
}
