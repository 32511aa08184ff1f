package io.proflens.rules;

import java.util.List;

/**
 * What one {@link Rule} concluded about one trace.
 *
 * @param ruleId         the rule's stable id
 * @param title          the rule's title
 * @param severity       from the score, or NOT_APPLICABLE / FAILED
 * @param score          0-100 ({@code 0} when not applicable or failed)
 * @param summary        one line that states the problem with its main number (or why the rule does not apply)
 * @param evidence       supporting numbers, in reading order (never null)
 * @param examples       example events (name, start, duration), at most a few lines (never null)
 * @param recommendation what to change ({@code ""} when there is nothing to do)
 * @param recoverableNs  estimated time that fixing it could recover, ns (≥ 0; orders the findings)
 */
public record Finding(String ruleId, String title, Severity severity, double score, String summary,
                      List<Evidence> evidence, List<String> examples, String recommendation, long recoverableNs) {

    public Finding {
        evidence = List.copyOf(evidence);
        examples = List.copyOf(examples);
        recoverableNs = Math.max(0, recoverableNs);
        score = Math.max(0, Math.min(100, score));
    }

    /** @return a finding stating that the rule's data is missing */
    public static Finding notApplicable(Rule rule, String why) {
        return new Finding(rule.id(), rule.title(), Severity.NOT_APPLICABLE, 0, why, List.of(), List.of(), "", 0);
    }

    /** @return a finding stating that the rule ran and found nothing (with the numbers it looked at) */
    public static Finding ok(Rule rule, String summary, List<Evidence> evidence) {
        return new Finding(rule.id(), rule.title(), Severity.OK, 0, summary, evidence, List.of(), "", 0);
    }

    /** @return a finding with the severity band of {@code score} */
    public static Finding of(Rule rule, double score, String summary, List<Evidence> evidence, List<String> examples,
            String recommendation, long recoverableNs) {
        return new Finding(rule.id(), rule.title(), Severity.ofScore(score), score, summary, evidence, examples,
                recommendation, recoverableNs);
    }
}
