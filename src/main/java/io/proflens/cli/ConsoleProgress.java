package io.proflens.cli;

import io.proflens.ingest.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr for long imports (me.tongfei progressbar). Off when stderr is not a terminal
 * ({@code System.console() == null}), with {@code --quiet}, or for tables under 200k rows.
 */
final class ConsoleProgress implements ProgressListener {
    private static final long MIN_ROWS = 200_000;
    private final boolean enabled;
    private ProgressBar bar;

    private ConsoleProgress(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return a listener that draws only when interactive and not quiet. */
    static ProgressListener create(boolean quiet) {
        return !quiet && System.console() != null ? new ConsoleProgress(true) : ProgressListener.NONE;
    }

    @Override
    public void begin(String task, long total) {
        if (enabled && total >= MIN_ROWS) {
            bar = new ProgressBarBuilder().setTaskName("reading " + task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .setUnit(" rows", 1).showSpeed().build();
        }
    }

    @Override
    public void advance(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.stepTo(bar.getMax());
            bar.close();
            bar = null;
        }
    }
}
