/**
 * Rules about where the host's CUDA API time goes: memcpy calls ({@code api.memcpy-share}) and synchronization
 * calls ({@code api.sync-share}, the nsys {@code cuda_api_sync} rule). Shares are of the summed duration of all
 * CUDA API calls, as {@code cuda_api_sum} counts them.
 *
 * <pre>{@code
 * Rule r = new SyncShareRule();
 * Finding f = r.evaluate(RuleContext.of(trace), ThresholdValues.defaults(r));
 * }</pre>
 */
package io.proflens.rules.api;
