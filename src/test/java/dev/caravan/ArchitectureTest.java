package dev.caravan;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package dependencies the request path is built on: dependencies point one way, so that a new inbound API or
 * provider plugs in without dragging half the gateway into a cycle. The inbound and provider formats stay pure
 * translation (no routing, usage or accounting); accounting sits above usage and budgets; Spring wiring
 * ({@code config}) and Camel plumbing ({@code serving}) are imported by nobody.
 */
class ArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.caravan");

    @Test
    void top_level_packages_are_free_of_cycles() {
        slices().matching("dev.caravan.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void nothing_imports_the_spring_wiring() {
        noClasses().that().resideOutsideOfPackage("dev.caravan.config..")
                .should().dependOnClassesThat().resideInAPackage("dev.caravan.config..")
                .check(GATEWAY);
    }

    @Test
    void nothing_imports_the_camel_plumbing() {
        noClasses().that().resideOutsideOfPackage("dev.caravan.serving..")
                .should().dependOnClassesThat().resideInAPackage("dev.caravan.serving..")
                .check(GATEWAY);
    }

    @Test
    void formats_translate_without_routing_usage_or_accounting() {
        noClasses().that().resideInAPackage("dev.caravan.format..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.caravan.routing..", "dev.caravan.usage..",
                        "dev.caravan.accounting..")
                .check(GATEWAY);
    }
}
