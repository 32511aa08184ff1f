package io.proflens.cli;

import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.GlobalIds;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing of {@code --filter-time [START]/[END]} (ns, or with a unit suffix ns/us/ms/s) and
 * {@code --filter-nvtx RANGE[@DOMAIN][/INDEX]} into a {@link TraceFilter} (nsys-reference.md §6). The NVTX
 * range is looked up among push/pop and start/end ranges by text and domain name; without {@code @DOMAIN}
 * only ranges without a domain name match (nsys compares {@code text || '@' || domainName}). INDEX is
 * 1-based in start-time order (default 1, the first match). A Kineto {@code gpu_user_annotation} range
 * ({@code RANGE@gpu_user_annotation}) filters by its time window only.
 */
final class TraceFilters {
    private static final Pattern TIME = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s)?\\s*");

    private TraceFilters() {
    }

    static long[] parseTime(String spec) {
        int slash = spec.indexOf('/');
        if (slash < 0 || spec.indexOf('/', slash + 1) >= 0) {
            throw new CliException(ExitCodes.USAGE, "bad --filter-time '" + spec + "': expected START/END in ns, "
                    + "either may be empty, units ns/us/ms/s allowed (e.g. 1s/2.5s)");
        }
        String a = spec.substring(0, slash).trim();
        String b = spec.substring(slash + 1).trim();
        long s = a.isEmpty() ? Long.MIN_VALUE : ns(a, spec);
        long e = b.isEmpty() ? Long.MAX_VALUE : ns(b, spec);
        if (e <= s) {
            throw new CliException(ExitCodes.USAGE, "bad --filter-time '" + spec + "': END must be after START");
        }
        return new long[] {s, e};
    }

    private static long ns(String v, String spec) {
        Matcher m = TIME.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CliException(ExitCodes.USAGE, "bad --filter-time '" + spec + "': '" + v
                    + "' is not a time (number with optional ns/us/ms/s)");
        }
        java.math.BigDecimal x = new java.math.BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "ns" : m.group(2);
        int shift = unit.equals("ns") ? 0 : unit.equals("us") ? 3 : unit.equals("ms") ? 6 : 9;
        return x.movePointRight(shift).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /** @return the filter of {@code --filter-time} alone (no trace needed), NONE when null. */
    static TraceFilter timeOnly(String filterTime) {
        if (filterTime == null) {
            return TraceFilter.NONE;
        }
        long[] w = parseTime(filterTime);
        return new TraceFilter(w[0], w[1], 0, 0, "time=" + filterTime);
    }

    static TraceFilter build(Trace trace, String filterTime, String filterNvtx) {
        long s = Long.MIN_VALUE;
        long e = Long.MAX_VALUE;
        StringBuilder label = new StringBuilder();
        if (filterTime != null) {
            long[] w = parseTime(filterTime);
            s = w[0];
            e = w[1];
            label.append("time=").append(filterTime);
        }
        long tid = 0;
        long pid = 0;
        if (filterNvtx != null) {
            int idx = 1;
            String spec = filterNvtx;
            int slash = spec.lastIndexOf('/');
            if (slash >= 0) {
                try {
                    idx = Integer.parseInt(spec.substring(slash + 1).trim());
                } catch (NumberFormatException ex) {
                    throw new CliException(ExitCodes.USAGE, "bad --filter-nvtx '" + filterNvtx + "': INDEX after '/' must be a number");
                }
                if (idx < 1) {
                    throw new CliException(ExitCodes.USAGE, "bad --filter-nvtx '" + filterNvtx + "': INDEX starts at 1");
                }
                spec = spec.substring(0, slash);
            }
            String domain = null;
            int at = spec.lastIndexOf('@');
            if (at >= 0) {
                domain = spec.substring(at + 1);
                spec = spec.substring(0, at);
            }
            NvtxTable t = trace.nvtx();
            int found = -1;
            int[] order = io.proflens.model.PrimitiveSort.sortIndices(io.proflens.model.PrimitiveSort.identity(t.size()),
                    (x, y) -> Long.compare(t.startNs(x), t.startNs(y)));
            int seen = 0;
            for (int i : order) {
                if (!(t.isPushPop(i) || t.isStartEnd(i)) || !t.hasEnd(i)) {
                    continue;
                }
                String text = trace.string(t.textId(i));
                String dn = trace.string(t.domainNameId(i));
                if (spec.equals(text) && java.util.Objects.equals(domain, dn) && ++seen == idx) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                throw new CliException(ExitCodes.INPUT, trace.metadata().sourcePath() + ": no NVTX range '" + filterNvtx
                        + "' (" + (seen == 0 ? "no range with that name" + (domain == null ? " in the default domain" : "")
                        : "only " + seen + " instance(s)") + ")");
            }
            s = Math.max(s, t.startNs(found));
            e = Math.min(e, t.endNs(found));
            if (GlobalIds.vmId(t.globalTid(found)) == io.proflens.ingest.kineto.KinetoJsonImporter.GPU_VM_ID) {
                // a GPU-side annotation (Kineto gpu_user_annotation) lives on a pseudo thread of the device:
                // no host thread or process to restrict to, so its time window alone filters
                tid = 0;
            } else if (t.isPushPop(found)) {
                tid = t.globalTid(found);
            } else {
                pid = GlobalIds.processOf(t.globalTid(found));
            }
            if (label.length() > 0) {
                label.append(',');
            }
            label.append("nvtx=").append(filterNvtx);
        }
        if (filterTime == null && filterNvtx == null) {
            return TraceFilter.NONE;
        }
        return new TraceFilter(s, e, tid, pid, label.toString());
    }

}
