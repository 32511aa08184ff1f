package io.proflens.cli;

import io.proflens.analysis.classify.KernelClassifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens explain-kernel NAME...}: the category of each kernel name (GEMM, attention, communication,
 * ...), the rule that decided it and why, the rules that would also have matched, and a GEMM's tile shape.
 */
@Command(name = "explain-kernel", mixinStandardHelpOptions = true,
        description = "Explain how proflens classifies kernel names (first matching rule wins; --rules adds your own first).")
public final class ExplainKernelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Kernel name(s) as the profiler prints them.")
    List<String> names = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Your rules (lines 'category<TAB>regex<TAB>why'), tried before the built-in ones.")
    Path rules;

    @Override
    public Integer call() {
        KernelClassifier c = KernelClassifier.builtIn();
        if (rules != null) {
            if (!Files.isRegularFile(rules)) {
                throw new CliException(ExitCodes.INPUT, rules + ": no such rules file");
            }
            try {
                c = KernelClassifier.fromFile(rules, c);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INPUT, e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        for (String n : names) {
            out.println(c.explain(n));
            out.println();
        }
        out.flush();
        return ExitCodes.OK;
    }
}
