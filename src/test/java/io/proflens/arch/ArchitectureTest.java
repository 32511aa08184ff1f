package io.proflens.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies point one way (../shared/docs/CONVENTIONS.md): model ← ingest, model ← analysis ← report ← cli. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // production classes only, whatever the build directory is called
        ImportOption mainOnly = location -> !location.contains("/test-classes/");
        classes = new ClassFileImporter().withImportOption(mainOnly).importPackages("io.proflens");
    }

    @Test
    void modelDependsOnTheJdkOnly() {
        noClasses().that().resideInAPackage("io.proflens.model..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.proflens.model..", "java..")
                .check(classes);
    }

    @Test
    void ingestDoesNotKnowAnalysesOrOutput() {
        noClasses().that().resideInAPackage("io.proflens.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.proflens.analysis..", "io.proflens.report..",
                        "io.proflens.cli..", "io.proflens.bench..", "io.proflens.demo..")
                .check(classes);
    }

    @Test
    void analysesDoNotKnowReadersRenderersOrCli() {
        noClasses().that().resideInAPackage("io.proflens.analysis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.proflens.ingest..", "io.proflens.report..",
                        "io.proflens.cli..", "io.proflens.bench..", "io.proflens.demo..")
                .check(classes);
    }

    @Test
    void renderersSeeResultsNotReadersOrCli() {
        noClasses().that().resideInAPackage("io.proflens.report..")
                .should().dependOnClassesThat().resideInAnyPackage("io.proflens.ingest..", "io.proflens.cli..",
                        "io.proflens.analysis.stats..")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheCli() {
        noClasses().that().resideOutsideOfPackage("io.proflens.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.proflens.cli..")
                .check(classes);
    }

    @Test
    void noCycles() {
        slices().matching("io.proflens.(*)..").should().beFreeOfCycles().check(classes);
    }
}
