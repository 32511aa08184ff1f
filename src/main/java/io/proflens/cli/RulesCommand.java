package io.proflens.cli;

import io.proflens.rules.Rule;
import io.proflens.rules.RuleRegistry;
import io.proflens.rules.Threshold;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens rules} lists every diagnosis rule (id, title, thresholds with defaults);
 * {@code proflens rules explain ID} prints one rule in full: what it checks, each threshold with unit, default and
 * source, and how to override it.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "List the diagnosis rules that 'proflens analyze' runs, or explain one: 'proflens rules explain ID'.")
public final class RulesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "explain ID", description = "'explain' followed by a rule id.")
    java.util.List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RuleRegistry registry = RuleRegistry.builtIn();
        if (args.isEmpty()) {
            out.println(registry.rules().size() + " rules (override a threshold with 'analyze --set ID.KEY=VALUE'; "
                    + "'proflens rules explain ID' for details):");
            out.println();
            for (Rule r : registry.rules()) {
                out.println(String.format(Locale.ROOT, "  %-28s %s", r.id(), r.title()));
                for (Threshold t : r.thresholds()) {
                    out.println(String.format(Locale.ROOT, "  %-28s   %s = %s %s", "", t.key(), number(t.defaultValue()),
                            t.unit()));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (!args.get(0).equals("explain") || args.size() != 2) {
            throw new CliException(ExitCodes.USAGE, "usage: proflens rules [explain ID]");
        }
        Rule r = registry.get(args.get(1)).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "unknown rule '" + args.get(1) + "' ('proflens rules' lists them)"));
        out.println(r.id() + " — " + r.title());
        out.println("topic: " + r.topic());
        out.println();
        out.println(wrap(r.description(), 100));
        out.println();
        if (r.thresholds().isEmpty()) {
            out.println("No thresholds.");
        } else {
            out.println("Thresholds (override with --set " + r.id() + ".KEY=VALUE or a line in --rules-config FILE):");
            for (Threshold t : r.thresholds()) {
                out.println("  " + t.key() + " = " + number(t.defaultValue()) + " " + t.unit() + " — " + t.description()
                        + " [default from: " + t.source() + "]");
            }
        }
        out.println("Disable with --set " + r.id() + ".enabled=false.");
        out.flush();
        return ExitCodes.OK;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String wrap(String text, int width) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + 1 + w.length() > width) {
                sb.append('\n');
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }
}
