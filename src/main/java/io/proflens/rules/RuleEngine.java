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
            if (config.disabled(r)) {
                continue;
            }
            Finding f;
            try {
                f = r.evaluate(ctx, config.valuesFor(r));
                if (f == null) {
                    throw new IllegalStateException("rule returned no finding");
                }
            } catch (RuntimeException | StackOverflowError e) {
                f = new Finding(r.id(), r.title(), Severity.FAILED, 0, "rule failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), List.of(), List.of(), "", 0);
            }
            out.add(f);
        }
        out.sort(ORDER);
        return out;
    }

    /** Problems before the rest; among problems larger recoverable time, then higher score first; then by id. */
    public static final Comparator<Finding> ORDER = Comparator
            .comparing((Finding f) -> f.severity().isProblem() ? 0 : 1)
            .thenComparing(Comparator.comparingLong(Finding::recoverableNs).reversed())
            .thenComparing(Comparator.comparingDouble(Finding::score).reversed())
            .thenComparing(f -> f.severity().ordinal())
            .thenComparing(Finding::ruleId);
}
