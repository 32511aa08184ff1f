/**
 * Expert rules over the analyses: the {@link io.proflens.rules.Rule} SPI, {@link io.proflens.rules.Finding} with
 * {@link io.proflens.rules.Evidence} and {@link io.proflens.rules.Severity}, thresholds with units and defaults
 * ({@link io.proflens.rules.Threshold}, overridable through {@link io.proflens.rules.RuleConfig}), the
 * {@link io.proflens.rules.RuleRegistry} (one authoritative list) and the {@link io.proflens.rules.RuleEngine}.
 * One class per rule lives in a topic subpackage ({@code rules.gpu}, {@code rules.kernels}, ...).
 *
 * <pre>{@code
 * RuleContext ctx = RuleContext.of(trace);
 * Diagnosis d = Diagnosis.run(ctx, new RuleEngine(RuleRegistry.builtIn(), RuleConfig.defaults()));
 * for (Finding f : d.findings()) { if (f.severity().isProblem()) System.out.println(f.summary()); }
 * }</pre>
 *
 * <p>Nulls: no public method returns null; lists are never null. Rules never print and never throw for missing data
 * (they return a not-applicable finding); an exception inside a rule becomes a FAILED finding.
 */
package io.proflens.rules;
