package io.proflens.analysis.classify;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.KernelTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where kernel time goes by {@link KernelCategory} and by kernel name: per category count, time and share; the top
 * kernels with their category and GEMM tile shape; GEMM time by tile shape; and the operator families of the
 * small pointwise kernels (elementwise, copy, activation, normalization, softmax) that fusion would merge.
 *
 * <p>Kernel time is the sum of kernel durations (concurrent kernels both count), as in nsys
 * {@code cuda_gpu_kern_sum}; shares are of the total kernel time of the selected kernels. Names are demangled
 * names.
 *
 * @param kernelCount   kernels counted
 * @param totalKernelNs summed kernel duration, ns
 * @param categories    one row per category with kernels, by time descending then category order
 * @param topKernels    the {@value #TOP} kernel names with most time, by time descending then name
 * @param gemmTiles     GEMM time per parsed tile shape ("128x64"; "?" when the name has none), by time descending
 * @param families      operator families of pointwise-type kernels, by time descending then family
 */
public record CategoryBreakdown(long kernelCount, long totalKernelNs, List<CategoryRow> categories,
                                List<KernelRow> topKernels, List<TileRow> gemmTiles, List<FamilyRow> families) {
    /** Number of kernel names kept in {@link #topKernels}. */
    public static final int TOP = 20;

    public CategoryBreakdown {
        categories = List.copyOf(categories);
        topKernels = List.copyOf(topKernels);
        gemmTiles = List.copyOf(gemmTiles);
        families = List.copyOf(families);
    }

    /**
     * @param category      the category
     * @param count         kernels
     * @param totalNs       summed duration, ns
     * @param pct           share of total kernel time, 0-100
     * @param distinctNames distinct kernel names in the category
     * @param topKernel     the name with most time in the category
     */
    public record CategoryRow(KernelCategory category, long count, long totalNs, double pct, int distinctNames,
                              String topKernel) {
    }

    /**
     * @param name      demangled name
     * @param category  its category
     * @param tileShape GEMM tile such as "128x64", or null
     * @param count     launches
     * @param totalNs   summed duration, ns
     * @param pct       share of total kernel time, 0-100
     */
    public record KernelRow(String name, KernelCategory category, String tileShape, long count, long totalNs,
                            double pct) {
        /** @return mean duration, ns */
        public double avgNs() {
            return count == 0 ? 0 : (double) totalNs / count;
        }
    }

    /**
     * @param tileShape "MxN" (or "MxNxK") as parsed from kernel names, "?" when absent
     * @param count     GEMM kernels with that tile
     * @param totalNs   their summed duration, ns
     */
    public record TileRow(String tileShape, long count, long totalNs) {
    }

    /**
     * @param family   operator family, e.g. "direct_copy", "add", "mul", "rsqrt", "softmax"
     * @param category category of its kernels (the one with most time)
     * @param count    kernels
     * @param totalNs  summed duration, ns
     * @param avgNs    mean duration, ns
     */
    public record FamilyRow(String family, KernelCategory category, long count, long totalNs, double avgNs) {
    }

    /**
     * All kernels of the trace.
     *
     * @param trace      the trace (no kernels → all zero, empty lists)
     * @param classifier the classifier
     * @return the breakdown
     */
    public static CategoryBreakdown of(Trace trace, KernelClassifier classifier) {
        return of(trace, classifier, i -> true);
    }

    /**
     * The kernels selected by {@code include} (a kernel row index predicate), e.g. those of one phase.
     *
     * @param trace      the trace
     * @param classifier the classifier
     * @param include    which kernel rows to count
     * @return the breakdown
     */
    public static CategoryBreakdown of(Trace trace, KernelClassifier classifier, IntPredicate include) {
        KernelTable k = trace.kernels();
        Map<Integer, long[]> byName = new HashMap<>(); // nameId -> {count, totalNs}
        long total = 0;
        long n = 0;
        for (int i = 0; i < k.size(); i++) {
            if (!k.hasEnd(i) || !include.test(i)) {
                continue;
            }
            long d = Math.max(0, k.durationNs(i));
            long[] acc = byName.computeIfAbsent(k.demangledNameId(i), x -> new long[2]);
            acc[0]++;
            acc[1] += d;
            total += d;
            n++;
        }
        Map<KernelCategory, long[]> cat = new EnumMap<>(KernelCategory.class); // count, total, distinct
        Map<KernelCategory, String> catTop = new EnumMap<>(KernelCategory.class);
        Map<KernelCategory, Long> catTopNs = new EnumMap<>(KernelCategory.class);
        Map<String, long[]> tiles = new TreeMap<>();
        Map<String, long[]> fam = new TreeMap<>();
        Map<String, Map<KernelCategory, Long>> famCat = new HashMap<>();
        List<KernelRow> kernels = new ArrayList<>();
        for (Map.Entry<Integer, long[]> e : byName.entrySet()) {
            String name = trace.string(e.getKey());
            Classification c = classifier.classify(name == null ? "" : name);
            long count = e.getValue()[0];
            long ns = e.getValue()[1];
            long[] a = cat.computeIfAbsent(c.category(), x -> new long[3]);
            a[0] += count;
            a[1] += ns;
            a[2]++;
            Long best = catTopNs.get(c.category());
            if (best == null || ns > best || (ns == best && name.compareTo(catTop.get(c.category())) < 0)) {
                catTopNs.put(c.category(), ns);
                catTop.put(c.category(), name);
            }
            if (c.category() == KernelCategory.GEMM) {
                long[] t = tiles.computeIfAbsent(c.tileShape() == null ? "?" : c.tileShape(), x -> new long[2]);
                t[0] += count;
                t[1] += ns;
            }
            if (isPointwiseType(c.category())) {
                String f = family(name);
                long[] t = fam.computeIfAbsent(f, x -> new long[2]);
                t[0] += count;
                t[1] += ns;
                famCat.computeIfAbsent(f, x -> new EnumMap<>(KernelCategory.class)).merge(c.category(), ns, Long::sum);
            }
            kernels.add(new KernelRow(name, c.category(), c.tileShape(), count, ns, pct(ns, total)));
        }
        List<CategoryRow> cats = new ArrayList<>();
        for (Map.Entry<KernelCategory, long[]> e : cat.entrySet()) {
            long[] a = e.getValue();
            cats.add(new CategoryRow(e.getKey(), a[0], a[1], pct(a[1], total), (int) a[2], catTop.get(e.getKey())));
        }
        cats.sort(Comparator.comparingLong(CategoryRow::totalNs).reversed().thenComparing(CategoryRow::category));
        kernels.sort(Comparator.comparingLong(KernelRow::totalNs).reversed().thenComparing(KernelRow::name));
        List<TileRow> tileRows = new ArrayList<>();
        tiles.forEach((t, a) -> tileRows.add(new TileRow(t, a[0], a[1])));
        tileRows.sort(Comparator.comparingLong(TileRow::totalNs).reversed().thenComparing(TileRow::tileShape));
        List<FamilyRow> famRows = new ArrayList<>();
        fam.forEach((f, a) -> {
            KernelCategory main = famCat.get(f).entrySet().stream()
                    .max(Map.Entry.<KernelCategory, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(
                            Comparator.reverseOrder()))).orElseThrow().getKey();
            famRows.add(new FamilyRow(f, main, a[0], a[1], a[0] == 0 ? 0 : (double) a[1] / a[0]));
        });
        famRows.sort(Comparator.comparingLong(FamilyRow::totalNs).reversed().thenComparing(FamilyRow::family));
        return new CategoryBreakdown(n, total, cats, kernels.subList(0, Math.min(TOP, kernels.size())), tileRows,
                famRows);
    }

    /** @return whether kernels of this category are small pointwise-type kernels that fusion merges */
    public static boolean isPointwiseType(KernelCategory c) {
        return c == KernelCategory.ELEMENTWISE || c == KernelCategory.COPY || c == KernelCategory.ACTIVATION
                || c == KernelCategory.NORMALIZATION || c == KernelCategory.SOFTMAX;
    }

    /** @return the row of {@code c}, or null when no kernel has that category */
    public CategoryRow category(KernelCategory c) {
        for (CategoryRow r : categories) {
            if (r.category() == c) {
                return r;
            }
        }
        return null;
    }

    private static final Pattern CUDA_FUNCTOR = Pattern.compile("CUDAFunctor(?:OnSelf|OnOther)?_(\\w+?)\\b");
    private static final Pattern NATIVE_KERNEL = Pattern.compile(
            "([A-Za-z][A-Za-z0-9_]*?)_(?:kernel_cuda|kernel_impl|kernel|cuda_kernel|impl_cuda)\\b");
    private static final Pattern FUNCTOR = Pattern.compile("\\b([A-Za-z][A-Za-z0-9]*?)_?Functor\\b");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final java.util.Set<String> INFRA = java.util.Set.of("elementwise", "vectorized_elementwise",
            "unrolled_elementwise", "gpu_kernel_impl", "gpu_kernel_impl_nocast", "gpu", "launch", "void", "at",
            "native", "anonymous", "namespace", "Unary", "Binary", "AUnary", "BUnary", "CUDA", "Tensor", "Opmath",
            "Simple", "Basic", "reduce", "index_elementwise", "legacy", "launch_legacy", "multi_tensor_apply",
            "templated", "float", "int", "half", "c10", "const", "operator", "lambda", "unsigned", "long", "char",
            "bool", "double", "detail", "static", "T", "tensor", "cuda", "kernel", "func", "functor", "std");

    /**
     * The operator family of a kernel name: the PyTorch op a generic elementwise kernel runs
     * ({@code CUDAFunctor_add} → "add", {@code direct_copy_kernel_cuda} → "direct_copy",
     * {@code MulFunctor} → "mul", {@code rsqrt_kernel_cuda} → "rsqrt"), else the first identifier of the name
     * that is not template machinery ({@code cunn_SoftMaxForward}).
     *
     * @param name demangled kernel name
     * @return a short lower-case family name (never null)
     */
    public static String family(String name) {
        if (name == null || name.isBlank()) {
            return "?";
        }
        Matcher m = CUDA_FUNCTOR.matcher(name);
        if (m.find()) {
            return m.group(1).toLowerCase(Locale.ROOT);
        }
        m = NATIVE_KERNEL.matcher(name);
        String best = null;
        while (m.find()) {
            String t = m.group(1);
            String tail = t.contains("::") ? t.substring(t.lastIndexOf(':') + 1) : t;
            if (!INFRA.contains(tail) && !tail.endsWith("elementwise") && !tail.startsWith("gpu_kernel")) {
                best = tail;
                break;
            }
        }
        if (best != null) {
            return best.toLowerCase(Locale.ROOT);
        }
        m = FUNCTOR.matcher(name);
        while (m.find()) {
            String t = m.group(1);
            if (!INFRA.contains(t) && !t.isEmpty()) {
                return t.toLowerCase(Locale.ROOT);
            }
        }
        String fn = functionName(name);
        if (fn != null) {
            return fn;
        }
        m = IDENT.matcher(name);
        while (m.find()) {
            String t = m.group();
            if (!INFRA.contains(t) && t.length() > 1) {
                return t;
            }
        }
        return name.length() > 40 ? name.substring(0, 40) : name;
    }

    /**
     * @return the function's own name: the identifier right before the first top-level {@code <} or {@code (},
     *         without namespaces and a leading return type ({@code void cudnn::bn_bw_1C11_kernel_new<...>(...)} →
     *         {@code bn_bw_1C11_kernel_new}); null when there is none
     */
    static String functionName(String name) {
        int end = name.length();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '<' || c == '(') {
                end = i;
                break;
            }
        }
        String head = name.substring(0, end).strip();
        int sp = head.lastIndexOf(' ');
        if (sp >= 0) {
            head = head.substring(sp + 1);
        }
        int ns = head.lastIndexOf("::");
        if (ns >= 0) {
            head = head.substring(ns + 2);
        }
        return IDENT.matcher(head).matches() && !INFRA.contains(head) ? head : null;
    }

    private static double pct(long part, long total) {
        return total == 0 ? 0.0 : SummaryStats.percent(part, total);
    }

    /**
     * @return tables {@code kernel_categories} (one row per category), {@code top_kernels} (name, category, tile,
     *         count, total, avg, share) and {@code kernel_families} (pointwise-type families)
     */
    public List<ResultTable> toTables() {
        List<Object[]> c = new ArrayList<>();
        for (CategoryRow r : categories) {
            c.add(new Object[] {r.category().label(), r.pct(), r.totalNs(), r.count(), (long) r.distinctNames(),
                r.topKernel()});
        }
        List<Object[]> t = new ArrayList<>();
        for (KernelRow r : topKernels) {
            t.add(new Object[] {r.pct(), r.totalNs(), r.count(), Math.round(r.avgNs()), r.category().label(),
                r.tileShape() == null ? "" : r.tileShape(), r.name()});
        }
        List<Object[]> f = new ArrayList<>();
        for (FamilyRow r : families) {
            f.add(new Object[] {r.family(), r.category().label(), r.count(), r.totalNs(), Math.round(r.avgNs()),
                pct(r.totalNs(), totalKernelNs)});
        }
        return List.of(
                new ResultTable("kernel_categories", "Kernel Time by Category", List.of(
                        new Column("Category", Kind.TEXT), new Column("Time", Kind.PERCENT),
                        new Column("Total Time", Kind.DURATION), new Column("Instances", Kind.INTEGER),
                        new Column("Names", Kind.INTEGER), new Column("Top Kernel", Kind.TEXT)), c),
                new ResultTable("top_kernels", "Top Kernels with Category", List.of(
                        new Column("Time", Kind.PERCENT), new Column("Total Time", Kind.DURATION),
                        new Column("Instances", Kind.INTEGER), new Column("Avg", Kind.DURATION),
                        new Column("Category", Kind.TEXT), new Column("Tile", Kind.TEXT),
                        new Column("Name", Kind.TEXT)), t),
                new ResultTable("kernel_families", "Pointwise Kernel Families (fusion candidates)", List.of(
                        new Column("Family", Kind.TEXT), new Column("Category", Kind.TEXT),
                        new Column("Instances", Kind.INTEGER), new Column("Total Time", Kind.DURATION),
                        new Column("Avg", Kind.DURATION), new Column("Time", Kind.PERCENT)), f));
    }
}
