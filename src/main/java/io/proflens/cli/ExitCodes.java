package io.proflens.cli;

/**
 * Process exit codes of {@code proflens}, documented in README.md:
 * <ul>
 *   <li>{@value #OK} success (a report SKIPPED for lack of data is still success);</li>
 *   <li>{@value #INTERNAL} internal failure (a bug: please report it with {@code --debug} output);</li>
 *   <li>{@value #USAGE} bad usage: unknown option, report, format, time unit, malformed filter;</li>
 *   <li>{@value #INPUT} bad input data: missing, unreadable, empty, truncated or unsupported file;</li>
 *   <li>{@value #OUTPUT} the output cannot be written;</li>
 *   <li>{@value #PARTIAL} several inputs given and some could not be read: the others were analysed and the
 *       failed ones listed on stderr.</li>
 * </ul>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int INPUT = 3;
    public static final int OUTPUT = 4;
    public static final int PARTIAL = 5;
    /** {@code diff --fail-if}: at least one regression-gate condition holds (one "gate failed: ..." line each). */
    public static final int GATE_FAILED = 6;

    private ExitCodes() {
    }
}
