/**
 * Serving SLA arithmetic: TPOT, per-user and per-node output tokens/s (OTPS), the largest batch per DP that meets a
 * TPOT target under a stated scaling model, and TTFT, each line printed with its numbers and a PASS/FAIL verdict.
 *
 * <pre>{@code
 * SlaSpec spec = SlaSpec.parse("step_ms: 28.5\naccepted_tokens: 2.3\ntpot_target_ms: 16.6\n"
 *         + "users_per_dp: 24\ndp: 8\nuser_tps_target: 60\n", "sla.yaml");
 * SlaResult r = SlaCalculator.compute(spec, "given");
 * r.tpotMs();        // 12.39
 * r.otpsPerNode();   // 15496
 * r.verdict();       // PASS
 * ResultTable t = r.toTable();   // one row per arithmetic line
 * }</pre>
 *
 * <p>Units: times in ms (as engineers state SLAs), rates in tokens/s. Null policy: optional spec values and results
 * that need them are {@code null} when absent; collections are never {@code null}. Parsing is a pure function of the
 * spec text (the CLI reads the file). Errors are {@link java.lang.IllegalArgumentException}s with a one-line message
 * that starts with the source name.
 */
package io.proflens.analysis.sla;
