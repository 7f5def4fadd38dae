package net.portcullis.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package boundaries of docs/architecture.md, checked on the compiled classes: the shared
 * transaction knows neither shape, only the composition root knows both, the checks know no
 * shape, no two packages depend on each other, and the policy engine knows no concrete check.
 */
class ArchitectureTest {
    static final JavaClasses GATEWAY = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("net.portcullis.gateway");

    static final JavaClasses POLICY = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("net.portcullis.policy");

    @Test
    void thePolicyEngineKnowsNoConcreteCheck() {
        // by name: the policy test-jar is on this classpath, and its tests may build any check
        noClasses().that().haveNameMatching("net\\.portcullis\\.policy\\.Policy(Engine|Transaction)(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("net.portcullis.policy.checks..")
                .check(POLICY);
    }

    @Test
    void noPackageCycles() {
        slices().matching("net.portcullis.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void theTransactionKnowsNeitherShape() {
        noClasses().that().resideInAPackage("..gateway.session..")
                .should().dependOnClassesThat().resideInAnyPackage("org.subethamail..", "..gateway.proxy..", "..gateway.milter..",
                        "..gateway.app..", "..gateway.checks..")
                .check(GATEWAY);
    }

    @Test
    void onlyTheCompositionRootKnowsTheShapes() {
        noClasses().that().resideOutsideOfPackages("..gateway.app..", "..gateway.proxy..")
                .should().dependOnClassesThat().resideInAPackage("..gateway.proxy..")
                .check(GATEWAY);
        noClasses().that().resideOutsideOfPackages("..gateway.app..", "..gateway.milter..")
                .should().dependOnClassesThat().resideInAPackage("..gateway.milter..")
                .check(GATEWAY);
    }

    @Test
    void checksKnowNoShapeAndNoCompositionRoot() {
        noClasses().that().resideInAPackage("..gateway.checks..")
                .should().dependOnClassesThat().resideInAnyPackage("org.subethamail..", "..gateway.proxy..", "..gateway.milter..",
                        "..gateway.app..")
                .check(GATEWAY);
    }

    @Test
    void subethaSmtpStaysInTheProxy() {
        noClasses().that().resideOutsideOfPackages("..gateway.proxy..", "..gateway.app..")
                .should().dependOnClassesThat().resideInAPackage("org.subethamail..")
                .check(GATEWAY);
    }
}
