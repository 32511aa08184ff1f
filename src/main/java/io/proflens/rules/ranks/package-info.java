/**
 * Rules that compare the ranks of a job (or the GPUs of one trace): {@code ranks.load-imbalance}. They read every
 * trace of {@link io.proflens.rules.RuleContext#ranks()} and return the same finding whichever rank's context
 * evaluates them, so that {@link io.proflens.rules.RankFindings} merges identical per-rank findings. Example:
 * <pre>{@code
 * RuleContext ctx = new RuleContext(t0, List.of(t0, t1), KernelClassifier.builtIn(), RuleContext.Options.none());
 * Rule r = new LoadImbalanceRule();
 * Finding f = r.evaluate(ctx, ThresholdValues.defaults(r));
 * }</pre>
 */
package io.proflens.rules.ranks;
