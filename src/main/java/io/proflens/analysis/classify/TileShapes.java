package io.proflens.analysis.classify;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the thread-block tile of a GEMM kernel from its name.
 *
 * <p>Explicit markers win, in this order: xmma {@code tilesize128x128x64}, Tensile {@code MT64x32x64} (macro tile),
 * igemm {@code bt128x64x32} (block tile), CUTLASS {@code GemmShape<128, 128, 32>} (demangled or mangled). Without a
 * marker the first free-standing {@code MxN} or {@code MxNxK} token is taken (not preceded by a letter or digit), which
 * is the CTA tile in cuBLAS ({@code ampere_sgemm_128x64_tn}), nvjet ({@code nvjet_hsh_128x256_64x4_...}: the second
 * token is the K-tile/stage count) and CUTLASS names ({@code ..._128x64_32x6_tn_align8}). The shape is reported as
 * written, two or three numbers.
 */
final class TileShapes {
    private static final String MNK = "(\\d+x\\d+(?:x\\d+)?)";
    private static final List<Pattern> MARKED = List.of(
            Pattern.compile("tilesize" + MNK, Pattern.CASE_INSENSITIVE),
            Pattern.compile("(?<![A-Za-z])MT" + MNK),
            Pattern.compile("_bt" + MNK));
    private static final Pattern GEMM_SHAPE = Pattern.compile("GemmShape<\\s*(\\d+),\\s*(\\d+),\\s*(\\d+)\\s*>");
    private static final Pattern GEMM_SHAPE_MANGLED = Pattern.compile("GemmShapeILi(\\d+)ELi(\\d+)ELi(\\d+)E");
    private static final Pattern FREE = Pattern.compile("(?<![0-9A-Za-z])(\\d+x\\d+(?:x\\d+)?)(?![0-9])");

    private TileShapes() {
    }

    /** @return the tile ("128x64", "128x128x64") or null when the name carries none */
    static String parse(String name) {
        for (Pattern p : MARKED) {
            Matcher m = p.matcher(name);
            if (m.find()) {
                return m.group(1).toLowerCase(java.util.Locale.ROOT);
            }
        }
        for (Pattern p : List.of(GEMM_SHAPE, GEMM_SHAPE_MANGLED)) {
            Matcher m = p.matcher(name);
            if (m.find()) {
                return m.group(1) + "x" + m.group(2) + "x" + m.group(3);
            }
        }
        Matcher m = FREE.matcher(name);
        return m.find() ? m.group(1) : null;
    }
}
