package io.proflens.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Findings of a multi-rank job: each rule ran once per rank; per rule, the finding of the rank where it matters most
 * (problem before no problem, then larger recoverable time, then higher score, then lower rank) stands for the job,
 * its summary prefixed with the rank and how many ranks share the problem.
 */
public final class RankFindings {
    private RankFindings() {
    }

    /**
     * @param perRank findings of each rank (same rules on every rank)
     * @param rankIds rank id of each list, same order
     * @return one finding per rule, in {@link RuleEngine#ORDER}
     */
    public static List<Finding> merge(List<List<Finding>> perRank, List<Integer> rankIds) {
        Map<String, Finding> best = new LinkedHashMap<>();
        Map<String, Integer> bestRank = new LinkedHashMap<>();
        Map<String, List<Integer>> problemRanks = new LinkedHashMap<>();
        for (int r = 0; r < perRank.size(); r++) {
            for (Finding f : perRank.get(r)) {
                if (f.severity().isProblem()) {
                    problemRanks.computeIfAbsent(f.ruleId(), k -> new ArrayList<>()).add(rankIds.get(r));
                }
                Finding b = best.get(f.ruleId());
                if (b == null || RuleEngine.ORDER.compare(f, b) < 0) {
                    best.put(f.ruleId(), f);
                    bestRank.put(f.ruleId(), rankIds.get(r));
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        int n = perRank.size();
        for (Finding f : best.values()) {
            List<Integer> pr = problemRanks.getOrDefault(f.ruleId(), List.of());
            String prefix = f.severity().isProblem()
                    ? "rank " + bestRank.get(f.ruleId()) + " (" + pr.size() + " of " + n + " ranks" + (pr.size() < n
                            ? ": " + pr : "") + "): "
                    : "";
            out.add(new Finding(f.ruleId(), f.title(), f.severity(), f.score(), prefix + f.summary(), f.evidence(),
                    f.examples(), f.recommendation(), f.recoverableNs()));
        }
        out.sort(RuleEngine.ORDER);
        return out;
    }
}
