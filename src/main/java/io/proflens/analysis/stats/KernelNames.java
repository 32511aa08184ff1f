package io.proflens.analysis.stats;

import io.proflens.model.KernelTable;
import io.proflens.model.StringTable;

/**
 * Which kernel name a report groups and prints (nsys {@code kernel_helper}): demangled by default,
 * {@code :base} the short name, {@code :mangled} the mangled name falling back to the demangled one when
 * the export has none.
 */
public final class KernelNames {
    private final KernelTable kernels;
    private final int mode; // 0 demangled, 1 base, 2 mangled

    public KernelNames(KernelTable kernels, StatsContext ctx) {
        this.kernels = kernels;
        this.mode = ctx.has("base") ? 1 : ctx.has("mangled") ? 2 : 0;
    }

    /** @return the string id of kernel {@code i}'s name under the chosen mode. */
    public int nameId(int i) {
        switch (mode) {
            case 1:
                return kernels.shortNameId(i);
            case 2: {
                int m = kernels.mangledNameId(i);
                return m == StringTable.NONE ? kernels.demangledNameId(i) : m;
            }
            default:
                return kernels.demangledNameId(i);
        }
    }
}
