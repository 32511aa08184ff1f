/**
 * Rules about the phases and iterations of a run, on top of {@link io.proflens.analysis.phases.PhaseAnalysis}: GPU
 * idle between consecutive iterations ({@code phases.iteration-gap}), the backward/forward time ratio
 * ({@code phases.imbalance}) and slow first iterations ({@code phases.warm-up-outliers}).
 *
 * <p>All three judge <em>phase-level</em> annotation ranges only (step loops, {@code ## forward ##},
 * {@code train_step}); ranges that name one operator ({@code aten::linear}, {@code flash_attn::_flash_attn_forward},
 * an autograd node such as {@code MulBackward0}, a c10d collective {@code nccl:all_to_all}, a TensorRT layer) are
 * not phases, see {@link io.proflens.analysis.phases.PhaseSeries#operatorLevel()}. Example:
 * <pre>{@code
 * Rule r = new IterationGapRule();
 * Finding f = r.evaluate(RuleContext.of(trace), ThresholdValues.defaults(r));
 * }</pre>
 */
package io.proflens.rules.phases;
