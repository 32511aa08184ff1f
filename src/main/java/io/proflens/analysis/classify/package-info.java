/**
 * Kernel classification: {@link io.proflens.analysis.classify.KernelClassifier} maps a GPU kernel name to a
 * {@link io.proflens.analysis.classify.KernelCategory} (GEMM, attention, communication, elementwise, ...) with an
 * ordered, first-match-wins table of regular expressions ({@code kernel-categories.tsv} in this package's resources),
 * which a user rule file can override. Every decision names the rule that made it
 * ({@link io.proflens.analysis.classify.Classification}, {@link io.proflens.analysis.classify.KernelClassifier#explain}).
 * Depends on the JDK only.
 */
package io.proflens.analysis.classify;
