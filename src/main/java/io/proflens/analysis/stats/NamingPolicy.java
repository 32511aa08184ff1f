package io.proflens.analysis.stats;

import io.proflens.model.MemcpyKind;
import io.proflens.model.TraceMetadata;

/**
 * Version-dependent naming of the nsys reports (nsys-reference.md §2.4):
 * <ul>
 *   <li>memcpy operation labels: nsys ≥ 2024.1 prints the enum label ({@code [CUDA memcpy Host-to-Device]}),
 *       older report scripts hard-coded {@code [CUDA memcpy HtoD]} and {@code [CUDA Unified Memory memcpy HtoD]};
 *       unknown versions (2020/2021 exports) use the old style;</li>
 *   <li>NVTX ranges of the default domain: nsys ≥ 2024.6 prints a leading colon ({@code :name}), older
 *       versions the bare text.</li>
 * </ul>
 * The switch-over versions are inferred from public output (the exact release is not documented).
 *
 * <p>Optionally (not nsys behaviour, off by default) the per-call ids that PyTorch's {@code emit_nvtx} writes
 * into range names ({@code aten::mul, seq = 12, op_id = 991065}) are stripped, so that the ranges of one
 * operator form one row instead of one row per call (nsys-reference.md §7.8).
 *
 * @param longMemcpyLabels      use "Host-to-Device" style labels
 * @param colonForDefaultDomain prefix default-domain NVTX names with ':'
 * @param stripOpIds            remove {@code , seq = N} and {@code , op_id = N} from NVTX range names
 */
public record NamingPolicy(boolean longMemcpyLabels, boolean colonForDefaultDomain, boolean stripOpIds) {
    private static final java.util.regex.Pattern OP_IDS = java.util.regex.Pattern.compile(",\\s*(?:seq|op_id)\\s*=\\s*\\d+");

    /** nsys naming without op-id stripping. */
    public NamingPolicy(boolean longMemcpyLabels, boolean colonForDefaultDomain) {
        this(longMemcpyLabels, colonForDefaultDomain, false);
    }

    /**
     * @return the policy for the nsys version that wrote the trace (no op-id stripping); traces of other
     *         producers (Kineto) get the current nsys memcpy labels and bare NVTX names (their annotations have
     *         no NVTX domain)
     */
    public static NamingPolicy forMetadata(TraceMetadata md) {
        if (!md.format().startsWith("nsys")) {
            return new NamingPolicy(true, false, false);
        }
        return new NamingPolicy(md.compareVersion("2024.1") >= 0, md.compareVersion("2024.6") >= 0, false);
    }

    /** @return this policy with op-id stripping set as given. */
    public NamingPolicy withStripOpIds(boolean strip) {
        return new NamingPolicy(longMemcpyLabels, colonForDefaultDomain, strip);
    }

    /** @return whether {@code text} carries PyTorch {@code emit_nvtx} call ids that {@link #stripOpIds} removes. */
    public static boolean hasOpIds(String text) {
        return text != null && OP_IDS.matcher(text).find();
    }

    /** @return {@code [CUDA memcpy <label>]} for a copy kind id; {@code null} for an unknown id (nsys drops those rows). */
    public String memcpyName(int copyKind) {
        MemcpyKind k = MemcpyKind.ofId(copyKind);
        if (k == null) {
            return null;
        }
        if (longMemcpyLabels) {
            return "[CUDA memcpy " + k.label() + "]";
        }
        return k.unified() ? "[CUDA Unified Memory memcpy " + k.shortLabel() + "]" : "[CUDA memcpy " + k.shortLabel() + "]";
    }

    /** Name of memset operations. */
    public static final String MEMSET_NAME = "[CUDA memset]";

    /**
     * @param domainName domain name or {@code null}
     * @param domainId   domain id (0 = default domain)
     * @param text       range text ({@code null} → empty)
     * @return display name of an NVTX range: {@code Domain:text}, {@code :text} or {@code text}
     */
    public String nvtxName(String domainName, int domainId, String text) {
        String t = text == null ? "" : text;
        if (stripOpIds) {
            t = OP_IDS.matcher(t).replaceAll("");
        }
        if (domainName != null) {
            return domainName + ":" + t;
        }
        if (domainId != 0 || colonForDefaultDomain) {
            return ":" + t;
        }
        return t;
    }

    /**
     * nsys {@code cuda_api_sum} suffix rule: strip a trailing {@code _vNNNN} only when the 6th- and 5th-last
     * characters are {@code _v} ({@code cudaLaunchKernel_v7000 → cudaLaunchKernel}, but
     * {@code cudaStreamIsCapturing_v10000} stays).
     */
    public static String stripApiVersion(String name) {
        if (name == null) {
            return null;
        }
        int n = name.length();
        if (n >= 6 && name.charAt(n - 6) == '_' && name.charAt(n - 5) == 'v') {
            return name.substring(0, n - 6);
        }
        return name;
    }
}
