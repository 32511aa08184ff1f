package io.proflens.analysis.diff;

import java.nio.file.Path;

/** Public door to {@link IndependentSums} for tests in other packages. */
public final class IndependentSumsAccess {
    private IndependentSumsAccess() {
    }

    /** @return summed kernel duration of a Kineto trace, ns, computed from the JSON */
    public static long kinetoTotal(Path p) throws java.io.IOException {
        return IndependentSums.total(IndependentSums.kinetoKernels(p));
    }

    /** @return distinct demangled kernel names of an nsys export, by SQL */
    public static long nsysNames(Path p) throws Exception {
        return IndependentSums.nsysKernels(p).size();
    }
}
