package io.proflens.rules;

import io.proflens.TestData;
import io.proflens.model.Trace;
import java.nio.file.Path;
import java.util.Map;

/** Shared helpers for rule tests: evaluate one rule on a trace with default or overridden thresholds. */
public final class RuleTesting {
    private RuleTesting() {
    }

    /** @return the finding of {@code rule} on {@code trace} with default thresholds */
    public static Finding eval(Rule rule, Trace trace) {
        return rule.evaluate(RuleContext.of(trace), ThresholdValues.defaults(rule));
    }

    /** @return the finding of {@code rule} on {@code trace} with overridden thresholds */
    public static Finding eval(Rule rule, Trace trace, Map<String, Double> overrides) {
        return rule.evaluate(RuleContext.of(trace), ThresholdValues.of(rule, overrides));
    }

    /** @return the trace of a corpus nsys export, by folder and file name */
    public static Trace nsys(String folderAndFile) {
        return TestData.load(TestData.nsys(folderAndFile));
    }

    /** @return the trace of a corpus Kineto trace, relative to {@code ../shared/data/kineto} */
    public static Trace kineto(String relative) {
        return TestData.load(TestData.root().resolve("kineto").resolve(relative));
    }

    /** @return a trace read from a generated file */
    public static Trace load(Path p) {
        return TestData.load(p);
    }

    /** @return every finding line as text (summary, evidence, examples, recommendation) */
    public static String text(Finding f) {
        StringBuilder sb = new StringBuilder(f.summary()).append('\n');
        f.evidence().forEach(e -> sb.append(e.label()).append(": ").append(e.value()).append('\n'));
        f.examples().forEach(x -> sb.append(x).append('\n'));
        return sb.append(f.recommendation()).toString();
    }
}
