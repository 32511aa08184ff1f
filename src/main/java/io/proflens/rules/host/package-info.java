/**
 * Rules about host threads: thread pools whose workers wait in the OS runtime instead of working
 * ({@code host.threadpool-idle}), from {@link io.proflens.analysis.osrt.OsRuntimeAnalysis}. Their findings are
 * about CPU capacity, not GPU time.
 *
 * <pre>{@code
 * Rule r = new ThreadPoolIdleRule();
 * Finding f = r.evaluate(RuleContext.of(trace), ThresholdValues.defaults(r));
 * }</pre>
 */
package io.proflens.rules.host;
