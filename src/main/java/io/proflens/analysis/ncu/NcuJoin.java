package io.proflens.analysis.ncu;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.KernelTable;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import io.proflens.model.ncu.NcuKernel;
import io.proflens.model.ncu.NcuReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Joins the kernels of an Nsight Compute report to the kernels of a trace (nsys or Kineto) by name, and where a
 * name repeats by launch order: the j-th profiled launch of a name (in ncu ID order) is paired with the j-th
 * execution of that name in the trace (in start order). ncu is usually run with {@code --launch-skip} and kernel
 * filters, so the pairing of instances is approximate; the per-name totals are exact.
 *
 * <p>Names are compared in three tiers: {@link MatchKind#EXACT} (the trace's demangled or short name equals ncu's),
 * {@link MatchKind#NORMALIZED} (equal after {@link #normalizeName}: ncu prints demangled names without namespaces,
 * casts and {@code std::}, e.g. {@code enable_if<!T7, void>::type kernel<int, 0, 7>(T13)} for nsys's
 * {@code std::enable_if<!T7, void>::type internal::gemvx::kernel<int, (bool)0, (int)7>(T13)}),
 * {@link MatchKind#BASE_NAME} (equal {@link #baseName}, used only when exactly one trace name has it).
 *
 * @param matches one per ncu kernel, in report order
 */
public record NcuJoin(List<Match> matches) {
    private static final Pattern CAST = Pattern.compile(
            "\\((?:unsigned |signed )?(?:bool|char|short|int|long|long long|unsigned|__int128)\\)(?=[-\\d])");
    private static final Pattern QUALIFIER = Pattern.compile("(?:\\(anonymous namespace\\)|[A-Za-z_][A-Za-z0-9_]*)::");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    public NcuJoin {
        matches = List.copyOf(matches);
    }

    /** How a name was matched. */
    public enum MatchKind { EXACT, NORMALIZED, BASE_NAME, NONE }

    /**
     * The trace side of one ncu kernel.
     *
     * @param ncuIndex        index of the kernel in {@link NcuReport#kernels()}
     * @param ncuName         ncu's kernel name
     * @param kind            how it was matched ({@link MatchKind#NONE}: no trace kernel has the name)
     * @param traceName       the trace's demangled name (the most frequent one when several normalise alike),
     *                        null when NONE
     * @param traceInstances  executions of that name in the trace (0 when NONE)
     * @param traceTotalNs    their total duration, ns
     * @param occurrence      0-based rank of this launch among the ncu kernels matched to the same trace name
     * @param traceRow        row in {@link Trace#kernels()} paired by launch order, -1 when the trace has fewer
     *                        executions (or NONE)
     */
    public record Match(int ncuIndex, String ncuName, MatchKind kind, String traceName, long traceInstances,
                       long traceTotalNs, int occurrence, int traceRow) {
        /** @return whether a trace name was found */
        public boolean matched() {
            return kind != MatchKind.NONE;
        }
    }

    /**
     * @param report the ncu report
     * @param trace  the trace (kernels with end times are used)
     * @return one match per ncu kernel
     */
    public static NcuJoin of(NcuReport report, Trace trace) {
        KernelTable kt = trace.kernels();
        StringTable st = trace.strings();
        // group trace rows by demangled name, each group in start order
        Map<Integer, List<Integer>> rowsByName = new LinkedHashMap<>();
        for (int i = 0; i < kt.size(); i++) {
            if (kt.hasEnd(i)) {
                rowsByName.computeIfAbsent(kt.demangledNameId(i), x -> new ArrayList<>()).add(i);
            }
        }
        Map<String, Integer> exact = new HashMap<>();
        Map<String, TreeSet<Integer>> normalized = new HashMap<>();
        Map<String, TreeSet<String>> baseToNormalized = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : rowsByName.entrySet()) {
            e.getValue().sort((a, b) -> a.equals(b) ? 0 : kt.startNs(a) != kt.startNs(b)
                    ? Long.compare(kt.startNs(a), kt.startNs(b)) : Integer.compare(a, b));
            String n = st.get(e.getKey());
            exact.putIfAbsent(n, e.getKey());
            int shortId = kt.shortNameId(e.getValue().get(0));
            if (shortId != StringTable.NONE && shortId >= 0) {
                exact.putIfAbsent(st.get(shortId), e.getKey());
            }
            String norm = normalizeName(n);
            normalized.computeIfAbsent(norm, x -> new TreeSet<>()).add(e.getKey());
            baseToNormalized.computeIfAbsent(baseName(n), x -> new TreeSet<>()).add(norm);
        }
        Map<String, Integer> seen = new HashMap<>();
        List<Match> out = new ArrayList<>();
        List<NcuKernel> ks = report.kernels();
        for (int i = 0; i < ks.size(); i++) {
            String name = ks.get(i).name();
            MatchKind kind = MatchKind.NONE;
            List<Integer> ids = List.of();
            if (exact.containsKey(name)) {
                kind = MatchKind.EXACT;
                ids = List.of(exact.get(name));
            } else if (normalized.containsKey(normalizeName(name))) {
                kind = MatchKind.NORMALIZED;
                ids = new ArrayList<>(normalized.get(normalizeName(name)));
            } else {
                TreeSet<String> norms = baseToNormalized.get(baseName(name));
                if (norms != null && norms.size() == 1) {
                    kind = MatchKind.BASE_NAME;
                    ids = new ArrayList<>(normalized.get(norms.first()));
                }
            }
            if (kind == MatchKind.NONE) {
                out.add(new Match(i, name, kind, null, 0, 0, 0, -1));
                continue;
            }
            List<Integer> rows = new ArrayList<>();
            int main = ids.get(0);
            for (int id : ids) {
                rows.addAll(rowsByName.get(id));
                if (rowsByName.get(id).size() > rowsByName.get(main).size()) {
                    main = id;
                }
            }
            if (ids.size() > 1) {
                rows.sort((a, b) -> kt.startNs(a) != kt.startNs(b) ? Long.compare(kt.startNs(a), kt.startNs(b))
                        : Integer.compare(a, b));
            }
            long total = 0;
            for (int r : rows) {
                total += kt.durationNs(r);
            }
            String key = ids.toString();
            int occ = seen.merge(key, 1, Integer::sum) - 1;
            out.add(new Match(i, name, kind, st.get(main), rows.size(), total, occ,
                    occ < rows.size() ? rows.get(occ) : -1));
        }
        return new NcuJoin(out);
    }

    /**
     * @param name a demangled kernel name (nsys, Kineto or ncu)
     * @return the name without integer casts ({@code (bool)1} → {@code 1}), namespace qualifiers
     *         ({@code at::native::}), a leading {@code void } and repeated spaces; other text unchanged
     */
    public static String normalizeName(String name) {
        String s = CAST.matcher(name).replaceAll("");
        String prev;
        do {
            prev = s;
            s = QUALIFIER.matcher(s).replaceAll("");
        } while (!s.equals(prev));
        s = SPACES.matcher(s.trim()).replaceAll(" ");
        return s.startsWith("void ") ? s.substring(5) : s;
    }

    /**
     * @param name a kernel name
     * @return the function's identifier: the identifier before the parameter list (the last top-level
     *         {@code (...)}) and its template arguments in the normalised name ({@code ampere_sgemm_64x32_sliced1x4_tn}, {@code gemmSN_TN_kernel}), or the normalised
     *         name when it has none
     */
    public static String baseName(String name) {
        String s = normalizeName(name);
        // the parameter list is the last top-level "(...)"; the name precedes it (after skipping "<...>")
        int depth = 0;
        int paren = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' && depth == 0) {
                paren = i;
            }
            if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                depth = Math.max(0, depth - 1);
            }
        }
        int end = paren < 0 ? s.length() : paren;
        if (end > 0 && s.charAt(end - 1) == '>') {
            int d = 0;
            int k = end - 1;
            for (; k >= 0; k--) {
                char c = s.charAt(k);
                if (c == '>') {
                    d++;
                } else if (c == '<' && --d == 0) {
                    break;
                }
            }
            end = Math.max(0, k);
        }
        int start = end;
        while (start > 0 && Character.isJavaIdentifierPart(s.charAt(start - 1))) {
            start--;
        }
        return start < end ? s.substring(start, end) : s;
    }

    /** @return the match of the report's kernel {@code ncuIndex} */
    public Optional<Match> forKernel(int ncuIndex) {
        return ncuIndex >= 0 && ncuIndex < matches.size() ? Optional.of(matches.get(ncuIndex)) : Optional.empty();
    }

    /** @return {@code ncu_join}: one row per ncu kernel in report order, with the trace name and totals */
    public ResultTable toTable() {
        List<Object[]> rows = new ArrayList<>();
        for (Match m : matches) {
            rows.add(new Object[] {(long) m.ncuIndex(), m.ncuName(), m.kind().name().toLowerCase(java.util.Locale.ROOT),
                m.traceName(), m.traceInstances(), m.traceTotalNs(), (long) m.occurrence(),
                m.traceRow() < 0 ? null : (long) m.traceRow()});
        }
        return new ResultTable("ncu_join", "Nsight Compute Kernels in the Trace", List.of(
                new Column("ncu Kernel", Kind.INTEGER), new Column("ncu Name", Kind.TEXT),
                new Column("Match", Kind.TEXT), new Column("Trace Name", Kind.TEXT),
                new Column("Trace Instances", Kind.INTEGER), new Column("Trace Total", Kind.DURATION),
                new Column("Occurrence", Kind.INTEGER), new Column("Trace Row", Kind.INTEGER)), rows);
    }
}
