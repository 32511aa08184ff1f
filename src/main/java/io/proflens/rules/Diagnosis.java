package io.proflens.rules;

import io.proflens.analysis.ResultTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The diagnosis of one trace: the findings of every enabled rule and the analysis tables they rest on, computed from
 * one {@link RuleContext} so every analysis runs once.
 *
 * @param findings findings in {@link RuleEngine#ORDER}
 * @param analyses analysis tables in reading order: GPU time, kernels, phases, memory transfers, CUDA API, OS
 *                 runtime, communication (tables whose data is missing are left out)
 */
public record Diagnosis(List<Finding> findings, List<ResultTable> analyses) {
    public Diagnosis {
        findings = List.copyOf(findings);
        analyses = List.copyOf(analyses);
    }

    /**
     * @param ctx    the analyses of the trace
     * @param engine the rules to run
     * @return findings and analysis tables
     */
    public static Diagnosis run(RuleContext ctx, RuleEngine engine) {
        ctx.precompute(Runtime.getRuntime().availableProcessors());
        List<Finding> findings = engine.run(ctx);
        return new Diagnosis(findings, AnalysisTables.of(ctx));
    }
}
