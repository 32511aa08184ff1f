package io.proflens.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * The {@code proflens} command: subcommands {@code analyze}, {@code stats}, {@code demo}, {@code bench}.
 * Errors are one line on stderr with a documented {@link ExitCodes exit code}; a stack trace only with
 * {@code --debug}.
 */
@Command(name = "proflens", mixinStandardHelpOptions = true, versionProvider = ProflensCli.Version.class,
        description = "Profile analysis for LLM/MoE performance engineers: nsys-identical stats and diagnoses.",
        subcommands = {AnalyzeCommand.class, StatsCommand.class, ExplainKernelCommand.class, RulesCommand.class, ReportCommand.class, ExportCommand.class, SlaCommand.class, TimersCommand.class, DiffCommand.class, ScalingCommand.class, SimdiffCommand.class, ServeCommand.class, DemoCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (SKIPPED reports included)", "1:internal failure (a bug; rerun with --debug)",
                "2:bad usage (unknown option, report, format, unit or filter)",
                "3:bad input data (missing, unreadable, empty, truncated or unsupported file)",
                "4:output cannot be written",
                "5:partial: several inputs, some unreadable (listed on stderr), the rest analysed",
                "6:gate failed: a 'diff --fail-if' condition holds"})
public final class ProflensCli implements Runnable {
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of failures (for bug reports).")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // Options only (e.g. --debug) and no subcommand: show what there is to run.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = ProflensCli.class.getResourceAsStream("/io/proflens/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"proflens " + p.getProperty("version", "unknown")};
        }
    }

    /** Builds the configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ProflensCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("proflens: " + oneLine(ex.getMessage()) + " (see 'proflens "
                    + (ex.getCommandLine().getCommandName().equals("proflens") ? "" : ex.getCommandLine().getCommandName() + " ")
                    + "--help')");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            boolean debug = parseResult.hasMatchedOption("--debug")
                    || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--debug"));
            int code;
            String msg;
            if (ex instanceof CliException) {
                code = ((CliException) ex).exitCode();
                msg = ex.getMessage();
            } else {
                code = ExitCodes.INTERNAL;
                msg = "internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                        + " (please report; rerun with --debug for details)";
            }
            err.println("proflens: " + oneLine(msg));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        return cl;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** Entry point. */
    public static void main(String[] args) {
        // No subcommand at all: the main job on the built-in demo profile.
        int code;
        try {
            code = commandLine().execute(args.length == 0 ? new String[] {"analyze"} : args);
        } catch (OutOfMemoryError e) {
            System.err.println("proflens: out of memory; give the JVM more heap (JAVA_OPTS=-Xmx8g ./proflens ...)");
            code = ExitCodes.INTERNAL;
        }
        System.out.flush();
        System.exit(code);
    }
}
