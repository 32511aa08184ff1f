package io.proflens.analysis.stats;

import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.util.function.IntUnaryOperator;

/**
 * Text helpers shared by the trace, union and projection reports: SQLite's text order, nsys's
 * {@code printf} cell formats and the NVTX name that the nsys trace/projection scripts build.
 */
final class ReportText {
    /** nsys style label of push/pop ranges. */
    static final String PUSH_POP = "PushPop";
    /** nsys style label of start/end ranges. */
    static final String START_END = "StartEnd";

    private ReportText() {
    }

    /**
     * Orders strings as SQLite's default {@code BINARY} collation orders their UTF-8 bytes, i.e. by Unicode
     * code point ({@link String#compareTo} differs for characters above U+FFFF); {@code null} (SQL NULL) sorts
     * first as in SQLite's {@code ORDER BY ... ASC}.
     */
    static int compareText(String a, String b) {
        if (a == null) {
            return b == null ? 0 : -1;
        }
        if (b == null) {
            return 1;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) {
                    return sx ? 1 : -1; // a surrogate pair encodes a code point above every BMP character
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** SQLite {@code printf('%4d %4d %4d', x, y, z)} (grid and block dimensions). */
    static String xyz(int x, int y, int z) {
        StringBuilder sb = new StringBuilder(16);
        pad4(sb, x);
        sb.append(' ');
        pad4(sb, y);
        sb.append(' ');
        pad4(sb, z);
        return sb.toString();
    }

    private static void pad4(StringBuilder sb, int v) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < 4; i++) {
            sb.append(' ');
        }
        sb.append(s);
    }

    /**
     * SQLite {@code printf('%s (%d)', gpu.name, deviceId)} of {@code cuda_gpu_trace}: a NULL name (no GPU row)
     * prints as the empty string, giving {@code " (0)"}.
     */
    static String device(String gpuName, int deviceId) {
        return (gpuName == null ? "" : gpuName) + " (" + deviceId + ")";
    }

    /**
     * Name of an NVTX range as the nsys trace and projection scripts build it:
     * {@code coalesce(domainName, '') || ':' || coalesce(text, '')} — always with the colon, also for the
     * default domain and for domains whose create event is not in the file (unlike the version-dependent
     * {@link NamingPolicy#nvtxName} of the summaries).
     */
    static String nvtxFullName(Trace trace, NvtxTable t, int i) {
        String d = trace.string(t.domainNameId(i));
        String text = trace.string(t.textId(i));
        return (d == null ? "" : d) + ":" + (text == null ? "" : text);
    }

    /** @return the context's naming policy, or the one of the trace's nsys version when the context has none. */
    static NamingPolicy naming(StatsContext ctx, Trace trace) {
        return ctx.naming() != null ? ctx.naming() : NamingPolicy.forMetadata(trace.metadata());
    }

    /** @return {@link #PUSH_POP} or {@link #START_END} for a range row. */
    static String style(NvtxTable t, int i) {
        return t.isPushPop(i) ? PUSH_POP : START_END;
    }

    /**
     * {@code RangeStack} of the nsys NVTX trace scripts: {@code ":" || id} for a root, parent's stack
     * {@code || ":" || id} below it, where id = row + 1 (the NVTX {@code rowid}); memoised per row.
     *
     * @param parent parent row of a row, -1 for a root (must be acyclic)
     * @param memo   per-row cache, filled as a side effect
     */
    static String rangeStack(IntUnaryOperator parent, String[] memo, int i) {
        if (memo[i] != null) {
            return memo[i];
        }
        int depth = 0;
        int a = i;
        while (a >= 0 && memo[a] == null) {
            depth++;
            a = parent.applyAsInt(a);
        }
        int[] path = new int[depth];
        a = i;
        for (int d = depth - 1; d >= 0; d--) {
            path[d] = a;
            a = parent.applyAsInt(a);
        }
        String prefix = a >= 0 ? memo[a] : "";
        for (int r : path) {
            prefix = prefix + ":" + (r + 1);
            memo[r] = prefix;
        }
        return memo[i];
    }
}
