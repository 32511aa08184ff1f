package io.proflens.analysis.classify;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Puts GPU kernels into {@link KernelCategory categories} by their name, with table-driven rules.
 *
 * <h2>Rules</h2>
 * A rule file is UTF-8 text with one rule per line, three fields separated by TABs:
 * <pre>
 * CATEGORY&lt;TAB&gt;regex&lt;TAB&gt;why
 * </pre>
 * CATEGORY is a {@link KernelCategory} constant or label (case-insensitive), regex a {@link java.util.regex.Pattern}
 * that is searched for ({@code find()}, case-insensitive) anywhere in the full, demangled kernel name, and why a
 * non-empty sentence shown by {@link #explain(String)}. Empty lines and lines starting with {@code #} are ignored.
 *
 * <p><b>First match wins.</b> Rules are tried in file order and the first whose regex is found decides; a name no
 * rule matches is {@link KernelCategory#OTHER}. The built-in table
 * ({@code io/proflens/analysis/classify/kernel-categories.tsv}, see {@link #builtIn()}) is therefore ordered from
 * specific to generic: communication first (collective names contain "reduce", "copy", "gather"), attention before
 * GEMM (fused attention is built from CUTLASS GEMM pieces), softmax/normalization/activation before the
 * elementwise/reduce kernel families they are launched through, copies before the generic elementwise rule.
 * A user file given to {@link #fromFile(Path, KernelClassifier)} is tried before the rules of its fallback, so a
 * user rule can move any name to another category.
 *
 * <p>For {@link KernelCategory#GEMM} the classification also carries the tile shape parsed from the name (see
 * {@link Classification#tileShape()}): an explicit marker ({@code tilesize128x128x64}, Tensile {@code MT64x32x64},
 * igemm {@code bt128x64x32}, CUTLASS {@code GemmShape<128, 128, 32>}) if present, otherwise the first free-standing
 * {@code MxN[xK]} token, which is the CTA tile in cuBLAS ({@code ampere_sgemm_128x64_tn} → 128x64), nvjet
 * ({@code nvjet_hsh_128x256_64x4_...} → 128x256) and CUTLASS ({@code ..._128x64_32x6_tn_align8} → 128x64) names.
 *
 * <h2>Thread safety</h2>
 * Instances are immutable apart from a per-instance result cache (a {@link ConcurrentHashMap} keyed by name, since
 * kernel names repeat many times in a trace); all methods may be called from any number of threads. There is no
 * static mutable state.
 */
public final class KernelClassifier {
    /** Class-path location of the built-in rule table. */
    public static final String BUILT_IN_RESOURCE = "kernel-categories.tsv";

    private final List<KernelRule> rules;
    private final ConcurrentHashMap<String, Classification> cache = new ConcurrentHashMap<>();

    private KernelClassifier(List<KernelRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @return a classifier with the built-in rules ({@code kernel-categories.tsv} next to this class)
     * @throws IllegalStateException if the resource is missing or malformed (a packaging error)
     */
    public static KernelClassifier builtIn() {
        try {
            return new KernelClassifier(parse("built-in " + BUILT_IN_RESOURCE,
                    io.proflens.analysis.RuleLines.resource(KernelClassifier.class, BUILT_IN_RESOURCE)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Reads user rules that take precedence over the rules of {@code fallback}.
     *
     * @param userRules a rule file in the format described in the class documentation
     * @param fallback  the classifier whose rules follow the user rules, usually {@link #builtIn()}
     * @return a classifier that tries the user rules first, then the fallback's rules
     * @throws IllegalArgumentException naming {@code file:line} and the problem, for a malformed line (wrong number of
     *                                  fields, unknown category, invalid regex, empty why)
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static KernelClassifier fromFile(Path userRules, KernelClassifier fallback) {
        Objects.requireNonNull(userRules, "userRules");
        Objects.requireNonNull(fallback, "fallback");
        List<String> lines = io.proflens.analysis.RuleLines.file(userRules, "kernel rules");
        List<KernelRule> all = new ArrayList<>(parse(userRules.toString(), lines));
        all.addAll(fallback.rules);
        return new KernelClassifier(all);
    }

    private static List<KernelRule> parse(String source, List<String> lines) {
        List<KernelRule> out = new ArrayList<>();
        for (io.proflens.analysis.RuleLines.Row row : io.proflens.analysis.RuleLines.rows(source, lines, 3, 3,
                "category, regex, why")) {
            String[] f = row.fields();
            KernelCategory category = KernelCategory.parse(f[0]);
            if (category == null) {
                throw io.proflens.analysis.RuleLines.bad(source, row.line(), "unknown category '" + f[0].trim() + "'");
            }
            Pattern p = io.proflens.analysis.RuleLines.regex(source, row.line(), f[1]);
            if (f[2].isBlank()) {
                throw io.proflens.analysis.RuleLines.bad(source, row.line(), "empty why (every rule must explain itself)");
            }
            out.add(new KernelRule(category, p, f[2].trim(), source, row.line()));
        }
        return out;
    }

    /** @return the number of rules, user rules included */
    public int ruleCount() {
        return rules.size();
    }

    /**
     * @param kernelName the full (demangled) kernel name
     * @return the category decided by the first matching rule, or {@link KernelCategory#OTHER}
     */
    public Classification classify(String kernelName) {
        Objects.requireNonNull(kernelName, "kernelName");
        return cache.computeIfAbsent(kernelName, this::decide);
    }

    private Classification decide(String name) {
        for (KernelRule r : rules) {
            if (r.matches(name)) {
                return of(r, name);
            }
        }
        return Classification.UNMATCHED;
    }

    private static Classification of(KernelRule r, String name) {
        String tile = r.category() == KernelCategory.GEMM ? TileShapes.parse(name) : null;
        return new Classification(r.category(), r.regex(), r.why(), r.line(), tile);
    }

    /**
     * @param kernelName the full (demangled) kernel name
     * @return every rule that matches, in rule order; the first element is what {@link #classify(String)} returns.
     *         A name no rule matches yields a single OTHER element.
     */
    public List<Classification> explainAll(String kernelName) {
        Objects.requireNonNull(kernelName, "kernelName");
        List<Classification> out = new ArrayList<>();
        for (KernelRule r : rules) {
            if (r.matches(kernelName)) {
                out.add(of(r, kernelName));
            }
        }
        return out.isEmpty() ? List.of(Classification.UNMATCHED) : List.copyOf(out);
    }

    /**
     * Text for {@code proflens explain-kernel NAME}: the decision, the deciding rule (file, line, regex, why), the
     * tile shape, the earlier rules that did not match, and the later rules that would also have matched.
     */
    public String explain(String kernelName) {
        Objects.requireNonNull(kernelName, "kernelName");
        StringBuilder sb = new StringBuilder();
        sb.append("kernel: ").append(kernelName).append('\n');
        int decided = -1;
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(kernelName)) {
                decided = i;
                break;
            }
        }
        if (decided < 0) {
            sb.append("category: ").append(KernelCategory.OTHER.label())
                    .append(" (none of the ").append(rules.size()).append(" rules matched)\n");
            return sb.toString();
        }
        KernelRule r = rules.get(decided);
        Classification c = of(r, kernelName);
        sb.append("category: ").append(c.category().label())
                .append(c.category().isCompute() ? " (compute)" : " (not compute)").append('\n');
        sb.append("decided by rule ").append(decided + 1).append(" of ").append(rules.size())
                .append(", ").append(r.source()).append(':').append(r.line()).append('\n');
        sb.append("  regex: ").append(r.regex()).append('\n');
        sb.append("  why:   ").append(r.why()).append('\n');
        if (c.tileShape() != null) {
            sb.append("  tile:  ").append(c.tileShape()).append('\n');
        }
        sb.append("earlier rules that did not match: ").append(decided).append('\n');
        for (int i = 0; i < decided; i++) {
            KernelRule e = rules.get(i);
            sb.append("  ").append(e.source()).append(':').append(e.line()).append(' ')
                    .append(e.category().name()).append(' ').append(e.regex()).append('\n');
        }
        List<KernelRule> later = new ArrayList<>();
        for (int i = decided + 1; i < rules.size(); i++) {
            if (rules.get(i).matches(kernelName)) {
                later.add(rules.get(i));
            }
        }
        if (!later.isEmpty()) {
            sb.append("later rules that also match (ignored, first match wins):\n");
            for (KernelRule e : later) {
                sb.append("  ").append(e.source()).append(':').append(e.line()).append(' ')
                        .append(e.category().name()).append(' ').append(e.regex()).append('\n');
            }
        }
        return sb.toString();
    }
}
