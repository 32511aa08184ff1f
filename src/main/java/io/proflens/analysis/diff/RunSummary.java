package io.proflens.analysis.diff;

import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.phases.PhaseAnalysis;
import io.proflens.analysis.phases.PhaseNames;
import io.proflens.analysis.phases.PhaseOptions;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.model.ApiCallTable;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.NvtxTable;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One run reduced to what a {@link TraceDiff}, a {@link RegressionGate} and a {@link ScalingSeries} compare: count and
 * time per kernel, kernel category, operator, NVTX range and phase (see {@link DiffSection} for what each section
 * measures), under the keys of a {@link KernelNameNormalizer}.
 *
 * <p>Kernels are the rows of {@link Trace#kernels()} with an end; a kernel's name is its demangled name (short name
 * when the export has none, {@value #UNNAMED} when neither). NVTX ranges are the push/pop and start/end rows of
 * {@link Trace#nvtx()} with an end and a text, without Kineto's GPU copies ({@code gpu_user_annotation}); with the
 * default normalizer their names also lose a trailing iteration counter ({@code ProfilerStep#1009 →
 * ProfilerStep#N}, {@link PhaseNames#normalise}) so that runs with different step numbers match. NVTX domains are
 * not part of the key (Kineto and nsys name them differently). Phases are the repeating, non-operator series of
 * {@link PhaseAnalysis} with default options, summed over threads per label.
 *
 * @param label          what the run is called in output (usually its file)
 * @param kernelCount    kernels counted
 * @param kernelTotalNs  summed kernel duration, ns (the gate's {@code total})
 * @param spanNs         trace span, ns (0 for an empty trace); NVTX and phase shares are of this
 * @param entries        one entry per section and key, ordered by section, then name
 */
public record RunSummary(String label, long kernelCount, long kernelTotalNs, long spanNs, List<Entry> entries) {
    /** Operator row of kernels whose launch is not inside any operator range (or has no launch in the capture). */
    public static final String NO_OPERATOR = "(no enclosing operator)";
    /** Name of kernels without a name. */
    public static final String UNNAMED = "<unnamed kernel>";
    /** Raw names kept per entry; {@link Entry#rawNameCount()} counts all. */
    public static final int MAX_RAW_NAMES = 20;

    public RunSummary {
        Objects.requireNonNull(label, "label");
        entries = List.copyOf(entries);
    }

    /**
     * One key of one section.
     *
     * @param section      the section
     * @param name         the key (normalised name)
     * @param count        kernels (kernel, category, operator sections) or ranges / occurrences (nvtx, phase)
     * @param totalNs      summed duration, ns
     * @param category     kernel category: of the kernel (its raw name with most time), of the category row, or
     *                     the category with most kernel time under an operator; {@code null} for nvtx and phase
     * @param rawNames     up to {@value #MAX_RAW_NAMES} distinct raw names merged into this key, sorted
     * @param rawNameCount number of distinct raw names merged
     */
    public record Entry(DiffSection section, String name, long count, long totalNs, KernelCategory category,
                        List<String> rawNames, int rawNameCount) {
        public Entry {
            Objects.requireNonNull(section, "section");
            Objects.requireNonNull(name, "name");
            rawNames = List.copyOf(rawNames);
        }

        /** @return mean duration, ns (0 when count is 0) */
        public double meanNs() {
            return count == 0 ? 0 : (double) totalNs / count;
        }
    }

    /** @return the entries of one section keyed by name (sorted map, a new copy per call) */
    public Map<String, Entry> bySection(DiffSection section) {
        Map<String, Entry> m = new TreeMap<>();
        for (Entry e : entries) {
            if (e.section() == section) {
                m.put(e.name(), e);
            }
        }
        return m;
    }

    /** @return the time the shares of {@code section} are relative to: kernel total or span, ns */
    public long shareBaseNs(DiffSection section) {
        return section.kernelTime() ? kernelTotalNs : spanNs;
    }

    /**
     * Summarises a trace. Never throws on real data: missing tables give empty sections.
     *
     * @param trace      the trace
     * @param label      its name in output
     * @param classifier kernel categories
     * @param normalizer name keys ({@link KernelNameNormalizer#IDENTITY} for raw names)
     * @return the summary
     */
    public static RunSummary of(Trace trace, String label, KernelClassifier classifier, KernelNameNormalizer normalizer) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(normalizer, "normalizer");
        List<Entry> out = new ArrayList<>();
        KernelTable k = trace.kernels();

        // kernels by name id first (names repeat), then by key
        Map<Integer, long[]> byId = new HashMap<>();
        boolean cpu = hasCpuOps(trace);
        NvtxTable opTable = cpu ? trace.cpuRanges() : trace.nvtx();
        int[] opRowOfKernel = operatorRows(trace, cpu, opTable);
        Map<Long, long[]> byIdAndOp = new HashMap<>(); // (nameId, op text id) -> count, total
        Map<Integer, Integer> opKeyIds = new HashMap<>();
        List<String> opKeys = new ArrayList<>();
        List<String> opRaw = new ArrayList<>();
        long total = 0;
        long count = 0;
        for (int i = 0; i < k.size(); i++) {
            if (!k.hasEnd(i)) {
                continue;
            }
            int id = k.demangledNameId(i);
            if (id == StringTable.NONE || trace.string(id) == null) {
                id = k.shortNameId(i);
            }
            if (id != StringTable.NONE && trace.string(id) == null) {
                id = StringTable.NONE;
            }
            long d = Math.max(0, k.durationNs(i));
            long[] a = byId.computeIfAbsent(id, x -> new long[2]);
            a[0]++;
            a[1] += d;
            total += d;
            count++;
            int opRow = opRowOfKernel[i];
            int textId = opRow < 0 ? StringTable.NONE : opTable.textId(opRow);
            Integer oid = opKeyIds.get(textId);
            if (oid == null) {
                String opText = textId == StringTable.NONE ? null : trace.string(textId);
                oid = opKeys.size();
                opKeyIds.put(textId, oid);
                opKeys.add(opText == null ? NO_OPERATOR : normalizer.normalize(opText));
                opRaw.add(opText == null ? NO_OPERATOR : opText);
            }
            long[] b = byIdAndOp.computeIfAbsent(((long) id << 32) | (oid & 0xFFFFFFFFL), x -> new long[2]);
            b[0]++;
            b[1] += d;
        }

        Map<String, Acc> kernels = new TreeMap<>();
        Map<Integer, KernelCategory> categoryOfId = new HashMap<>();
        for (Map.Entry<Integer, long[]> e : byId.entrySet()) {
            String raw = e.getKey() == StringTable.NONE ? UNNAMED : trace.string(e.getKey());
            KernelCategory cat = classifier.classify(raw).category();
            categoryOfId.put(e.getKey(), cat);
            kernels.computeIfAbsent(normalizer.normalize(raw), x -> new Acc()).add(raw, e.getValue()[0],
                    e.getValue()[1], cat);
        }
        Map<String, Acc> categories = new TreeMap<>();
        for (Map.Entry<String, Acc> e : kernels.entrySet()) {
            Acc a = e.getValue();
            KernelCategory cat = a.mainCategory();
            categories.computeIfAbsent(cat.label(), x -> new Acc()).add(cat.label(), a.count, a.total, cat);
        }
        Map<String, Acc> operators = new TreeMap<>();
        for (Map.Entry<Long, long[]> e : byIdAndOp.entrySet()) {
            int id = (int) (e.getKey() >> 32);
            int oid = (int) (e.getKey() & 0xFFFFFFFFL);
            operators.computeIfAbsent(opKeys.get(oid), x -> new Acc()).add(opRaw.get(oid), e.getValue()[0],
                    e.getValue()[1], categoryOfId.get(id));
        }
        emit(out, DiffSection.KERNEL, kernels, true);
        emit(out, DiffSection.CATEGORY, categories, true);
        emit(out, DiffSection.OPERATOR, operators, true);
        emit(out, DiffSection.NVTX, nvtx(trace, normalizer), false);
        emit(out, DiffSection.PHASE, phases(trace), false);
        long[] span = trace.spanNs();
        return new RunSummary(label, count, total, span == null ? 0 : span[1] - span[0], out);
    }

    private static void emit(List<Entry> out, DiffSection s, Map<String, Acc> m, boolean withCategory) {
        for (Map.Entry<String, Acc> e : m.entrySet()) {
            Acc a = e.getValue();
            List<String> raw = new ArrayList<>(a.raw);
            out.add(new Entry(s, e.getKey(), a.count, a.total, withCategory ? a.mainCategory() : null,
                    raw.subList(0, Math.min(MAX_RAW_NAMES, raw.size())), raw.size()));
        }
    }

    /** Accumulates one key: count, time, raw names and time per category. */
    private static final class Acc {
        long count;
        long total;
        final TreeSet<String> raw = new TreeSet<>();
        final Map<KernelCategory, Long> catTime = new EnumMap<>(KernelCategory.class);

        void add(String rawName, long n, long ns, KernelCategory cat) {
            count += n;
            total += ns;
            raw.add(rawName);
            if (cat != null) {
                catTime.merge(cat, ns, Long::sum);
            }
        }

        /** @return the category with most time (ties: enum order); OTHER when none */
        KernelCategory mainCategory() {
            return catTime.entrySet().stream()
                    .max(Map.Entry.<KernelCategory, Long>comparingByValue()
                            .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                    .map(Map.Entry::getKey).orElse(KernelCategory.OTHER);
        }
    }

    private static boolean hasCpuOps(Trace trace) {
        NvtxTable c = trace.cpuRanges();
        for (int i = 0; i < c.size(); i++) {
            if (isCpuOp(trace, c, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCpuOp(Trace trace, NvtxTable t, int i) {
        int d = t.domainNameId(i);
        return d != StringTable.NONE && CPU_OP_DOMAIN.equals(trace.string(d));
    }

    /** Domain name of Kineto {@code cpu_op} ranges in {@link Trace#cpuRanges()}. */
    static final String CPU_OP_DOMAIN = "cpu_op";

    /** @return per kernel row, the row of its operator range (in {@code t}), or -1 */
    private static int[] operatorRows(Trace trace, boolean cpu, NvtxTable t) {
        KernelTable k = trace.kernels();
        int[] rows = new int[k.size()];
        java.util.Arrays.fill(rows, -1);
        if (k.size() == 0) {
            return rows;
        }
        if (t.size() == 0) {
            return rows;
        }
        InnermostRange index = cpu ? new InnermostRange(t, i -> isCpuOp(trace, t, i))
                : new InnermostRange(t, i -> t.textId(i) != StringTable.NONE && !gpuAnnotation(trace, t, i));
        LaunchLinks links = trace.launchLinksOrCompute();
        ApiCallTable api = trace.cudaApi();
        for (int i = 0; i < k.size(); i++) {
            int r = links.kernelApiRow(i);
            if (r >= 0) {
                rows[i] = index.innermost(api.globalTid(r), api.startNs(r));
            }
        }
        return rows;
    }

    private static boolean gpuAnnotation(Trace trace, NvtxTable t, int i) {
        int d = t.domainNameId(i);
        return d != StringTable.NONE && PhaseAnalysis.GPU_USER_ANNOTATION_DOMAIN.equals(trace.string(d));
    }

    private static Map<String, Acc> nvtx(Trace trace, KernelNameNormalizer normalizer) {
        Map<Integer, long[]> byText = new HashMap<>();
        NvtxTable t = trace.nvtx();
        for (int i = 0; i < t.size(); i++) {
            if (!(t.isPushPop(i) || t.isStartEnd(i)) || !t.hasEnd(i) || t.textId(i) == StringTable.NONE
                    || trace.string(t.textId(i)) == null || gpuAnnotation(trace, t, i)) {
                continue;
            }
            long[] a = byText.computeIfAbsent(t.textId(i), x -> new long[2]);
            a[0]++;
            a[1] += Math.max(0, t.durationNs(i));
        }
        Map<String, Acc> m = new TreeMap<>();
        for (Map.Entry<Integer, long[]> e : byText.entrySet()) {
            String raw = trace.string(e.getKey());
            String key = normalizer.enabled() ? normalizer.normalize(PhaseNames.normalise(raw, true)) : raw;
            m.computeIfAbsent(key, x -> new Acc()).add(raw, e.getValue()[0], e.getValue()[1], null);
        }
        return m;
    }

    private static Map<String, Acc> phases(Trace trace) {
        Map<String, Acc> m = new TreeMap<>();
        if (trace.nvtx().size() == 0) {
            return m;
        }
        for (PhaseSeries s : PhaseAnalysis.of(trace, PhaseOptions.defaults()).series()) {
            if (!s.operatorLevel()) {
                m.computeIfAbsent(s.label(), x -> new Acc()).add(s.label(), s.count(), s.totalNs(), null);
            }
        }
        return m;
    }
}
