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
 * @param charts   series for charts only (e.g. GPU utilization over time), not printed as tables
 */
public record Diagnosis(List<Finding> findings, List<ResultTable> analyses, List<ResultTable> charts) {
    public Diagnosis {
        findings = List.copyOf(findings);
        analyses = List.copyOf(analyses);
        charts = List.copyOf(charts);
    }

    /**
     * @param ctx    the analyses of the trace
     * @param engine the rules to run
     * @return findings and analysis tables
     */
    public static Diagnosis run(RuleContext ctx, RuleEngine engine) {
        java.util.concurrent.ExecutorService pool = newPool(Runtime.getRuntime().availableProcessors());
        try {
            return run(ctx, engine, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * @param ctx    the analyses of the trace
     * @param engine the rules to run
     * @param pool   threads for the analyses and rules (other work, e.g. the stats reports, may share it)
     * @return findings and analysis tables
     */
    public static Diagnosis run(RuleContext ctx, RuleEngine engine, java.util.concurrent.ExecutorService pool) {
        List<java.util.concurrent.Future<?>> ahead = ctx.precompute(pool);
        List<Finding> findings = engine.run(ctx, pool);
        for (java.util.concurrent.Future<?> f : ahead) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                // kept in the context's memo; the table that needs it meets it again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Diagnosis(findings, AnalysisTables.of(ctx), AnalysisTables.charts(ctx));
    }

    /** @return a pool of daemon threads named proflens-analysis */
    public static java.util.concurrent.ExecutorService newPool(int threads) {
        return java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread th = new Thread(r, "proflens-analysis");
            th.setDaemon(true);
            return th;
        });
    }
}
