/**
 * The one trace model every reader feeds and every analysis reads: columnar event tables of primitive
 * arrays ({@code long[] startNs}, {@code int[] nameId}, ...), names interned in a {@link io.proflens.model.StringTable},
 * time as {@code long} ns on the capture clock. Depends on the JDK only.
 *
 * <p>Null policy: accessors of event tables return primitives; "unknown" is a documented sentinel
 * ({@link io.proflens.model.StringTable#NONE}, {@link io.proflens.model.IntervalTable#NO_END}, -1 kinds).
 * Records may carry {@code null} only where their Javadoc says so.
 *
 * <pre>{@code
 * KernelTable k = trace.kernels();
 * long busyNs = 0;
 * for (int i = 0; i < k.size(); i++) busyNs += k.durationNs(i);
 * String first = trace.string(k.demangledNameId(0));
 * }</pre>
 */
package io.proflens.model;
