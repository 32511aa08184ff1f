package io.proflens.rules;

import java.util.List;

/**
 * An expert rule: judges one aspect of a trace from the analyses in a {@link RuleContext} and returns a
 * {@link Finding} with evidence and a recommendation. Declared as data, after JDK Mission Control's rules: a stable
 * {@link #id()}, a {@link #topic()}, {@link #thresholds()} with unit and default, and the data it needs; when that
 * data is missing it returns {@link Finding#notApplicable} (never a false OK).
 *
 * <p>Implementations are stateless (one instance serves every trace), compute nothing themselves that an analysis
 * computes (they read {@link RuleContext}), and never print.
 */
public interface Rule {
    /** @return stable id, {@code topic.kebab-name}, e.g. {@code gpu.low-utilization} */
    String id();

    /** @return short title, e.g. "Low GPU utilization" */
    String title();

    /** @return topic: gpu, kernels, memcpy, api, host, phases, comm, ranks */
    default String topic() {
        return id().substring(0, id().indexOf('.'));
    }

    /** @return what the rule checks and why it matters, with the source of its thresholds (a paragraph) */
    String description();

    /** @return the tunable thresholds (may be empty) */
    List<Threshold> thresholds();

    /**
     * Judges the trace.
     *
     * @param ctx    analyses of the trace (computed on demand, shared between rules)
     * @param limits threshold values (defaults or overrides)
     * @return the finding (never null)
     */
    Finding evaluate(RuleContext ctx, ThresholdValues limits);
}
