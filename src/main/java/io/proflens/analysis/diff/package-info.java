/**
 * Comparing runs: {@link io.proflens.analysis.diff.TraceDiff} (what changed between a baseline and a new run, per
 * kernel, category, operator, NVTX range and phase), {@link io.proflens.analysis.diff.ScalingSeries} (how times scale
 * with a numeric parameter over several runs, with a power-law fit and expected complexity per category) and
 * {@link io.proflens.analysis.diff.RegressionGate} (CI conditions such as {@code total>+5%} over a diff).
 * Names are matched across runs through {@link io.proflens.analysis.diff.KernelNameNormalizer}.
 *
 * <p>Times are ns, shares 0-100, ratios plain factors. Nothing here returns {@code null} collections; nullable
 * fields (a ratio with a zero denominator, an exponent that cannot be fitted) are documented where they occur. All
 * results are immutable and deterministic (sorted by value, then name).
 *
 * <pre>{@code
 * KernelClassifier kc = KernelClassifier.builtIn();
 * TraceDiff d = TraceDiff.of(before, "before.sqlite", after, "after.json.gz", kc, KernelNameNormalizer.DEFAULT);
 * List<RegressionGate.Result> r = new RegressionGate(List.of(RegressionGate.parse("total>+5%"))).evaluate(d);
 * if (RegressionGate.failed(r)) { ... }
 * ScalingSeries s = ScalingSeries.of(List.of(run4k, run6k, run8k), "seq", List.of(4096.0, 6144.0, 8192.0),
 *         ScalingSeries.Options.defaults());
 * }</pre>
 */
package io.proflens.analysis.diff;
