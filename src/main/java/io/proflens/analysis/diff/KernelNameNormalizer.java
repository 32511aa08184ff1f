package io.proflens.analysis.diff;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a kernel, operator or range name into the key under which it is matched across two runs, so that the same
 * kernel built with other template arguments, launched with another tile size, at another address or as another
 * PyTorch call still lands in one diff row. The raw names stay attached to every row ({@link RunSummary.Entry#rawNames()});
 * {@link #IDENTITY} keeps names as they are ({@code --raw-names}).
 *
 * <p>Rules of {@link #DEFAULT}, applied in this order:
 * <ol>
 *   <li>PyTorch {@code emit_nvtx} call ids {@code , seq = N} and {@code , op_id = N} are removed (as
 *       {@code nsys stats --nvtx-strip-op-ids} and the phase analysis do);</li>
 *   <li>hexadecimal addresses {@code 0x7f3a...} become {@code 0x?};</li>
 *   <li>a version suffix {@code _v<digits>} at the end of an identifier is removed
 *       ({@code flash_fwd_kernel_v2 → flash_fwd_kernel}, {@code cudaLaunchKernel_v7000 → cudaLaunchKernel});</li>
 *   <li>size tokens {@code <digits>x<digits>[x<digits>...]} get {@code N} for every number
 *       ({@code ampere_sgemm_128x64_tn → ampere_sgemm_NxN_tn}, {@code tilesize128x128x64 → tilesizeNxNxN});</li>
 *   <li>lambda and counter ids {@code #<digits>} become {@code #N};</li>
 *   <li>inside template argument lists ({@code <...>}, nesting counted) every free-standing integer literal
 *       (optionally with {@code u}/{@code l} suffixes) becomes {@code N}
 *       ({@code elementwise_kernel<128, 4, ...> → elementwise_kernel<N, N, ...>}); digits that are part of an
 *       identifier ({@code c10::BFloat16}, {@code sm90}) are kept.</li>
 * </ol>
 * Names without any of these are returned unchanged. The rules may merge kernels that one run distinguishes
 * (two tile configurations of one GEMM); the row then lists both raw names.
 *
 * <p>Immutable and thread-safe.
 */
public final class KernelNameNormalizer {
    /** The rules above. */
    public static final KernelNameNormalizer DEFAULT = new KernelNameNormalizer(true);
    /** Keeps every name as it is. */
    public static final KernelNameNormalizer IDENTITY = new KernelNameNormalizer(false);

    private static final Pattern OP_IDS = Pattern.compile(",\\s*(?:seq|op_id)\\s*=\\s*\\d+");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
    private static final Pattern VERSION = Pattern.compile("(?<=[A-Za-z0-9])_v\\d+(?![A-Za-z0-9_])");
    private static final Pattern SIZE = Pattern.compile("(?<![0-9])\\d+(?:x\\d+)+(?![0-9])");
    private static final Pattern COUNTER = Pattern.compile("#\\d+");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final boolean enabled;

    private KernelNameNormalizer(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return whether this normalizer changes names (false for {@link #IDENTITY}) */
    public boolean enabled() {
        return enabled;
    }

    /**
     * @param name a raw name; {@code null} → {@code null}
     * @return the matching key (the name itself for {@link #IDENTITY})
     */
    public String normalize(String name) {
        if (!enabled || name == null) {
            return name;
        }
        String s = OP_IDS.matcher(name).replaceAll("");
        s = HEX.matcher(s).replaceAll("0x?");
        s = VERSION.matcher(s).replaceAll("");
        Matcher m = SIZE.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(DIGITS.matcher(m.group()).replaceAll("N")));
        }
        m.appendTail(sb);
        s = COUNTER.matcher(sb).replaceAll("#N");
        return templateNumbers(s);
    }

    /** Replaces integer literals inside {@code <...>} (depth ≥ 1) that are not part of an identifier. */
    private static String templateNumbers(String s) {
        if (s.indexOf('<') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int depth = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>' && depth > 0) {
                depth--;
            }
            boolean startsNumber = depth > 0 && Character.isDigit(c)
                    && (i == 0 || !isIdentChar(s.charAt(i - 1)));
            if (startsNumber) {
                int j = i;
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                int k = j;
                while (k < n && (s.charAt(k) == 'u' || s.charAt(k) == 'U' || s.charAt(k) == 'l' || s.charAt(k) == 'L')) {
                    k++;
                }
                if (k == n || !isIdentChar(s.charAt(k))) {
                    out.append('N');
                    i = k;
                    continue;
                }
                out.append(s, i, j);
                i = j;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean isIdentChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
