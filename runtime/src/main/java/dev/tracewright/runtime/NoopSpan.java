package dev.tracewright.runtime;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What every call gets when Tracewright is not initialised: does nothing, returns its input. */
final class NoopSpan extends TracedCall implements ActiveSpan {
  static final NoopSpan INSTANCE = new NoopSpan();

  private NoopSpan() {}

  @Override
  public boolean capturesInput() {
    return false;
  }

  @Override
  public void input(Object... arguments) {}

  @Override
  public boolean replaying() {
    return false;
  }

  @Override
  public <T> T replayed() {
    throw new IllegalStateException("replayed() is for a call whose replaying() was true");
  }

  @Override
  public <T> T returned(T value) {
    return value;
  }

  @Override
  public <T> T returned(T value, UsageReader<? super T> usage) {
    return value;
  }

  @Override
  public int returned(int value) {
    return value;
  }

  @Override
  public long returned(long value) {
    return value;
  }

  @Override
  public double returned(double value) {
    return value;
  }

  @Override
  public float returned(float value) {
    return value;
  }

  @Override
  public boolean returned(boolean value) {
    return value;
  }

  @Override
  public char returned(char value) {
    return value;
  }

  @Override
  public byte returned(byte value) {
    return value;
  }

  @Override
  public short returned(short value) {
    return value;
  }

  @Override
  public void returned() {}

  @Override
  public <F extends CompletionStage<?>> F returnedFuture(F future) {
    return future;
  }

  @Override
  public <T, F extends CompletionStage<T>> F returnedFuture(F future, UsageReader<? super T> usage) {
    return future;
  }

  @Override
  public void threw(Throwable error) {}

  @Override
  public ActiveSpan output(Object value) {
    return this;
  }

  @Override
  public ActiveSpan captureInput(Object value) {
    return this;
  }

  @Override
  public boolean capturesContent() {
    return false;
  }

  @Override
  public ActiveSpan error(Throwable error) {
    return this;
  }

  @Override
  public void close() {}

  @Override
  public void discard() {}

  @Override
  public CurrentSpan attribute(String key, Object value) {
    return this;
  }

  @Override
  public CurrentSpan tokens(long inputTokens, long outputTokens) {
    return this;
  }

  @Override
  public CurrentSpan model(String model) {
    return this;
  }

  @Override
  public CurrentSpan provider(String provider) {
    return this;
  }

  @Override
  public CurrentSpan cost(double usd) {
    return this;
  }

  @Override
  public CurrentSpan event(String name, Map<String, ?> attributes) {
    return this;
  }

  @Override
  public boolean isRecording() {
    return false;
  }

  @Override
  public String traceId() {
    return null;
  }

  @Override
  public String spanId() {
    return null;
  }

  @Override
  public String toString() {
    return "NoopSpan";
  }
}
