/**
 * Operations over sorted, disjoint time intervals (union, intersection, subtraction, gaps), all in ns.
 *
 * <pre>{@code
 * Intervals busy = new Intervals();
 * busy.add(0, 10); busy.add(5, 20); busy.add(30, 40);
 * long[] u = busy.union();            // {0, 20, 30, 40}
 * long idle = Intervals.length(Intervals.gaps(u));   // 10
 * }</pre>
 */
package io.proflens.model.interval;
