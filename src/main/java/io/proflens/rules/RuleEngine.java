package io.proflens.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs rules over one {@link RuleContext}. A rule that throws yields a {@link Severity#FAILED} finding naming the
 * exception, and the other rules still run (CONVENTIONS habit 5).
 */
public final class RuleEngine {
    private final RuleRegistry registry;
    private final RuleConfig config;

    /**
     * @param registry the rules
     * @param config   overrides and disabled rules
     */
    public RuleEngine(RuleRegistry registry, RuleConfig config) {
        this.registry = registry;
        this.config = config;
    }

    /**
     * Evaluates every enabled rule.
     *
     * @param ctx the analyses of one trace
     * @return findings ordered by {@link #ORDER}: problems first by estimated recoverable time (descending), then
     *         score, then id; then OK, not-applicable and failed findings by id
     */
    public List<Finding> run(RuleContext ctx) {
        List<Finding> out = new ArrayList<>();
        for (Rule r : registry.rules()) {
            if (!config.disabled(r)) {
                out.add(evaluate(r, ctx));
            }
        }
        out.sort(ORDER);
        return out;
    }

    /**
     * Evaluates every enabled rule on the pool's threads (the context is thread-safe and computes each analysis
     * once); same result as {@link #run(RuleContext)}.
     *
     * @param ctx  the analyses of one trace
     * @param pool where rules run
     * @return findings ordered by {@link #ORDER}
     */
    public List<Finding> run(RuleContext ctx, java.util.concurrent.ExecutorService pool) {
        List<java.util.concurrent.Future<Finding>> fs = new ArrayList<>();
        for (Rule r : registry.rules()) {
            if (!config.disabled(r)) {
                fs.add(pool.submit(() -> evaluate(r, ctx)));
            }
        }
        List<Finding> out = new ArrayList<>();
        for (java.util.concurrent.Future<Finding> f : fs) {
            try {
                out.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("rule evaluation failed outside the rule: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while evaluating rules", e);
            }
        }
        out.sort(ORDER);
        return out;
    }

    /** One rule; its exception (or a null result) becomes a FAILED finding. */
    private Finding evaluate(Rule r, RuleContext ctx) {
        try {
            Finding f = r.evaluate(ctx, config.valuesFor(r));
            if (f == null) {
                throw new IllegalStateException("rule returned no finding");
            }
            return f;
        } catch (RuntimeException | StackOverflowError e) {
            return new Finding(r.id(), r.title(), Severity.FAILED, 0, "rule failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), List.of(), List.of(), "", 0);
        }
    }

    /** Problems before the rest; among problems larger recoverable time, then higher score first; then by id. */
    public static final Comparator<Finding> ORDER = Comparator
            .comparing((Finding f) -> f.severity().isProblem() ? 0 : 1)
            .thenComparing(Comparator.comparingLong(Finding::recoverableNs).reversed())
            .thenComparing(Comparator.comparingDouble(Finding::score).reversed())
            .thenComparing(f -> f.severity().ordinal())
            .thenComparing(Finding::ruleId);
}
