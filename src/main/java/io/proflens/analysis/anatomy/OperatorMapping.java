package io.proflens.analysis.anatomy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Maps GPU kernel names to the model operator they implement ({@code flash_fwd_splitkv_mla_kernel → attention},
 * {@code nvjet_tst_128x256_… → gemm}), with ordered regex rules. Used by {@link StepAnatomy} for kernels that no
 * annotation range names, and to find layers in traces without layer ranges.
 *
 * <h2>Rules</h2>
 * UTF-8 text, one rule per line, TAB-separated: {@code OPERATOR<TAB>regex[<TAB>why]}. The regex is a
 * {@link Pattern} searched ({@code find()}, case-insensitive) in the full demangled kernel name. Empty lines and lines
 * starting with {@code #} are ignored. <b>First match wins</b>; a name no rule matches has no operator
 * ({@link #operatorOf} returns {@code null}; {@link StepAnatomy} then uses the kernel's short name). The built-in
 * table ({@code io/proflens/analysis/anatomy/operator-rules.tsv}, {@link #builtIn()}) covers common LLM kernels
 * (DeepEP, NCCL, FlashAttention/FlashMLA, RoPE, top-k gating, SiLU, DeepGEMM, RMSNorm, cuBLAS/nvjet/CUTLASS GEMMs); a
 * user file ({@link #fromFile}) is tried before it, the same layering as
 * {@link io.proflens.analysis.classify.KernelClassifier}.
 *
 * <p>Immutable apart from a per-instance result cache; thread-safe; no static mutable state.
 */
public final class OperatorMapping {
    /** Class-path resource (next to this class) with the built-in rules. */
    public static final String BUILT_IN_RESOURCE = "operator-rules.tsv";

    /** One rule: operator name, pattern, explanation and origin ({@code file:line}). */
    public record Rule(String operator, Pattern pattern, String why, String source, int line) {
        /** @throws NullPointerException for a null operator or pattern */
        public Rule {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    private static final String NONE = "\u0000";
    private final List<Rule> rules;
    private final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();

    private OperatorMapping(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @return the built-in rules
     * @throws IllegalStateException if the resource is missing or malformed (a packaging error)
     */
    public static OperatorMapping builtIn() {
        try {
            return new OperatorMapping(parse("built-in " + BUILT_IN_RESOURCE,
                    io.proflens.analysis.RuleLines.resource(OperatorMapping.class, BUILT_IN_RESOURCE)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Reads user rules that are tried before the rules of {@code fallback}.
     *
     * @param userRules rule file in the format of the class comment
     * @param fallback  mapping whose rules follow, usually {@link #builtIn()}
     * @return the combined mapping
     * @throws IllegalArgumentException naming {@code file:line} for a malformed line (fewer than 2 or more than 3
     *                                  fields, empty operator or regex, invalid regex)
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static OperatorMapping fromFile(Path userRules, OperatorMapping fallback) {
        Objects.requireNonNull(userRules, "userRules");
        Objects.requireNonNull(fallback, "fallback");
        return fromLines(userRules.toString(), io.proflens.analysis.RuleLines.file(userRules, "operator rules"), fallback);
    }

    /**
     * Like {@link #fromFile} from lines in memory.
     *
     * @param source name used in error messages
     * @param lines  rule lines
     * @param fallback mapping whose rules follow
     * @return the combined mapping
     */
    public static OperatorMapping fromLines(String source, List<String> lines, OperatorMapping fallback) {
        List<Rule> all = new ArrayList<>(parse(source, lines));
        all.addAll(fallback.rules);
        return new OperatorMapping(all);
    }

    private static List<Rule> parse(String source, List<String> lines) {
        List<Rule> out = new ArrayList<>();
        for (io.proflens.analysis.RuleLines.Row row : io.proflens.analysis.RuleLines.rows(source, lines, 2, 3,
                "operator, regex[, why]")) {
            String[] f = row.fields();
            String op = f[0].trim();
            if (op.isEmpty()) {
                throw io.proflens.analysis.RuleLines.bad(source, row.line(), "empty operator name");
            }
            Pattern p = io.proflens.analysis.RuleLines.regex(source, row.line(), f[1]);
            out.add(new Rule(op, p, f.length == 3 ? f[2].trim() : "", source, row.line()));
        }
        return out;
    }

    /** @return the rules in the order they are tried (user rules first) */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * @param kernelName full (demangled) kernel name, not null
     * @return the operator of the first matching rule, or {@code null} when no rule matches
     */
    public String operatorOf(String kernelName) {
        Objects.requireNonNull(kernelName, "kernelName");
        String r = cache.computeIfAbsent(kernelName, n -> {
            for (Rule rule : rules) {
                if (rule.pattern().matcher(n).find()) {
                    return rule.operator();
                }
            }
            return NONE;
        });
        return r.equals(NONE) ? null : r;
    }
}
