package io.proflens.cli;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.diff.KernelNameNormalizer;
import io.proflens.analysis.diff.TraceDiff;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.rules.Diagnosis;
import io.proflens.rules.Finding;
import io.proflens.rules.FindingsDiff;
import io.proflens.rules.RuleContext;
import io.proflens.rules.RuleEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code analyze}/{@code report --baseline FILE}: the diff tables of {@code proflens diff BASELINE PROFILE} (kernels,
 * categories, operators, NVTX ranges, phases, names normalized) and the findings that appeared, disappeared or
 * changed severity, appended to the analysis tables.
 */
final class BaselineComparison {
    private BaselineComparison() {
    }

    /**
     * @param baseline   the baseline profile
     * @param current    the analysed trace
     * @param findings   the analysed trace's findings
     * @param engine     the rules (run on the baseline too)
     * @param classifier kernel classifier
     * @param quiet      no progress on stderr
     * @return the comparison tables (a summary, one table per section with changes, the findings diff)
     */
    static List<ResultTable> tables(Path baseline, Trace current, List<Finding> findings, RuleEngine engine,
            KernelClassifier classifier, boolean quiet) {
        Trace base = InputOptions.read(baseline, ImportOptions.all(), quiet);
        TraceDiff d = TraceDiff.of(base, "baseline", current, "this run", classifier, KernelNameNormalizer.DEFAULT);
        Diagnosis baseDiagnosis = Diagnosis.run(new RuleContext(base, List.of(base), classifier,
                RuleContext.Options.none()), engine);
        List<ResultTable> out = new ArrayList<>(d.toTables());
        out.add(FindingsDiff.of(baseDiagnosis.findings(), findings).toTable());
        return out;
    }
}
